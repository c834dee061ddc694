package dev.tally.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * W5: a job holding state for many keys is killed with SIGKILL, more input arrives, and it is
 * started again. Measured: time from the restart until its committed offsets advance again, and
 * until it has caught up with the new input. (Readiness over HTTP would be a sharper signal;
 * committed offsets work for every contender.)
 */
final class RestartBench {

    private static final long POLL_MS = 50;

    private final Runner runner;
    private final InputLoader loader;
    private final String bootstrapServers;
    private final Path workDir;
    private final PrintStream log;

    RestartBench(Runner runner, InputLoader loader, String bootstrapServers, Path workDir, PrintStream log) {
        this.runner = runner;
        this.loader = loader;
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.log = log;
    }

    String run(List<Contender> contenders, int keys) throws Exception {
        var t = new StringBuilder("### W5: ").append(Workload.W5.description).append('\n')
                .append(String.format(Locale.ROOT, "%,d keys of state, then %,d more records while it is down%n%n",
                        keys, extra(keys)))
                .append("| contender | state on disk | restart → first commit (s) | restart → caught up (s) |\n")
                .append("|---|---:|---:|---:|\n");
        for (Contender c : contenders) {
            String row;
            try {
                row = measure(c, keys);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                row = "| " + c.name() + " | failed: " + Table.firstLine(e.toString()) + " | | |";
            }
            log.println("W5 " + row);
            t.append(row).append('\n');
        }
        return t.append('\n').toString();
    }

    private static int extra(int keys) {
        return Math.max(1_000, keys / 100);
    }

    private String measure(Contender c, int keys) throws Exception {
        String name = "w5-" + c.name();
        String input = name + "-in";
        String output = name + "-out";
        loader.load(input, JobShape.Input.AMOUNTS, Size.TINY, keys);
        loader.createTopic(output);
        var job = new Job(JobShape.KEYED_SUM, name, bootstrapServers, input, output, workDir.resolve(name));
        Contender.Launch launch = c.prepare(job, runner.environment());
        BrokerView broker = runner.broker();
        long state;
        try (Running first = Running.start(launch, job.runDir().resolve(c.name() + "-1.log"))) {
            String failure = runner.awaitCaughtUp(first, launch, broker.endOffsets(List.of(input)));
            if (failure != null) {
                return "| " + c.name() + " | failed before the kill: " + Table.firstLine(failure) + " | | |";
            }
            state = ProcessTree.diskUsage(launch.stateDir());
            first.kill();
        }
        long before = broker.committedSum(launch.groupId(), input);
        loader.load(input, JobShape.Input.AMOUNTS, Size.TINY, extra(keys));
        Map<TopicPartition, Long> ends = broker.endOffsets(List.of(input));
        try (Running second = Running.start(launch, job.runDir().resolve(c.name() + "-2.log"))) {
            while (broker.committedSum(launch.groupId(), input) <= before) {
                if (!second.alive() || second.elapsedSeconds() > 600) {
                    return "| " + c.name() + " | failed after restart: " + Table.firstLine(second.logTail()) + " | | |";
                }
                Thread.sleep(POLL_MS);
            }
            double firstCommit = second.elapsedSeconds();
            String failure = runner.awaitCaughtUp(second, launch, ends);
            if (failure != null) {
                return "| " + c.name() + " | failed after restart: " + Table.firstLine(failure) + " | | |";
            }
            return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f |", c.name(), Table.bytes(state),
                    firstCommit, second.elapsedSeconds());
        }
    }
}
