package dev.tally.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.TopicPartition;

/** Measures one contender on one job: from process start until its group has committed the input. */
final class Runner {

    private static final long POLL_MS = 100;

    private final BrokerView broker;
    private final Contender.Environment env;
    private final Duration timeout;

    Runner(BrokerView broker, Contender.Environment env, Duration timeout) {
        this.broker = broker;
        this.env = env;
        this.timeout = timeout;
    }

    Contender.Environment environment() {
        return env;
    }

    /** CPU of the broker process so far (-Dbench.brokerPid, set by BenchMain), NaN when not known. */
    static double brokerCpuSeconds() {
        long pid = Long.getLong("bench.brokerPid", -1);
        return ProcessHandle.of(pid).map(h -> new ProcessTree(h).cpuSeconds()).orElse(Double.NaN);
    }

    BrokerView broker() {
        return broker;
    }

    RunResult measure(Contender contender, Job job, long inputRecords) throws Exception {
        Contender.Launch launch = contender.prepare(job, env);
        Map<TopicPartition, Long> ends = broker.endOffsets(List.of(job.inputTopic()));
        double brokerCpu0 = brokerCpuSeconds();
        double elapsed;
        double brokerCpu;
        double cpu;
        long rss;
        long state;
        long internal;
        try (Running run = Running.start(launch, job.runDir().resolve(contender.name() + ".log"));
             Contender.Observer observer = contender.observe(job)) {
            String failure = awaitCaughtUp(run, launch, ends);
            if (failure != null) {
                return RunResult.failed(contender.name(), failure);
            }
            if (observer.summary() != null) {
                System.out.println("  " + contender.name() + ": " + observer.summary());
            }
            elapsed = run.elapsedSeconds();
            cpu = run.tree().cpuSeconds();
            brokerCpu = brokerCpuSeconds() - brokerCpu0;
            rss = run.tree().peakRssBytes();
            state = ProcessTree.diskUsage(launch.stateDir());
            internal = broker.logBytes(launch.internalTopic());
        }
        long heap = HeapPeak.read(launch.heapPeakFile());
        String dlq = contender.deadLetterTopic(job);
        long deadLetters = dlq == null ? -1 : broker.committedRecords(dlq);
        long outputs = broker.committedRecords(job.outputTopic());
        return new RunResult(contender.name(), inputRecords / elapsed, cpu * 1e6 / inputRecords,
                brokerCpu * 1e6 / inputRecords, rss, heap,
                state, (double) internal / inputRecords, elapsed, deadLetters, (double) outputs / inputRecords, null);
    }

    private double committedFraction(String group, Map<TopicPartition, Long> ends)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> committed = broker.committed(group);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        long done = ends.keySet().stream().mapToLong(tp -> committed.getOrDefault(tp, 0L)).sum();
        return total == 0 ? 1 : (double) done / total;
    }

    /** Null once caught up; otherwise why not (process died, or the time limit passed). */
    String awaitCaughtUp(Running run, Contender.Launch launch, Map<TopicPartition, Long> ends)
            throws ExecutionException, InterruptedException, IOException {
        while (true) {
            run.tree().sample();
            if (broker.caughtUp(launch.groupId(), ends, launch.repartitionTopic())) {
                return null;
            }
            if (!run.alive()) {
                return "exited before catching up: " + run.logTail();
            }
            if (run.elapsedSeconds() > timeout.toSeconds()) {
                return String.format(Locale.ROOT, "not caught up after %d s (%.0f%% of the input committed)",
                        timeout.toSeconds(), 100.0 * committedFraction(launch.groupId(), ends));
            }
            Thread.sleep(POLL_MS);
        }
    }
}
