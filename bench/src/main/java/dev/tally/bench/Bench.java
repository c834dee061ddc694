package dev.tally.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Runs the selected workloads against a running broker and returns the markdown report. */
final class Bench {

    /** What to run. */
    record Options(Size size, List<Workload> workloads, List<Contender> contenders, int runs,
                   Path workDir, Contender.Environment env, Duration runTimeout) {
    }

    private final Options options;
    private final String bootstrapServers;
    private final PrintStream log;
    /** Tally's W1 records/s in this run, when W1 ran: W6 paces its input at half of it. */
    private double tallyW1Rate = Double.NaN;

    Bench(Options options, String bootstrapServers, PrintStream log) {
        this.options = options;
        this.bootstrapServers = bootstrapServers;
        this.log = log;
    }

    String run() throws Exception {
        var report = new StringBuilder(String.format(Locale.ROOT, "## Tally benchmark, size %s%n%n",
                options.size().name().toLowerCase(Locale.ROOT)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var loader = new InputLoader(admin, bootstrapServers);
            var runner = new Runner(new BrokerView(admin, bootstrapServers), options.env(), options.runTimeout());
            Map<String, Long> loaded = new HashMap<>();
            for (Workload w : options.workloads()) {
                String section = switch (w) {
                    case W5 -> new RestartBench(runner, loader, bootstrapServers, options.workDir(), log)
                            .run(jobContenders(), w.inputRecords(options.size()));
                    case W6 -> new LatencyBench(runner, loader, bootstrapServers, options.workDir(), log)
                            .run(jobContenders(), latencyRate(), latencyRateSource(), options.size().latencyDuration);
                    default -> throughput(w, loader, runner, loaded);
                };
                log.println(section);
                report.append(section);
            }
        }
        return report.toString();
    }

    /** Half of Tally's W1 peak, as W6 asks; the size's default when W1 did not run first. */
    private int latencyRate() {
        if (Integer.getInteger("bench.latencyRate") != null) {
            return Integer.getInteger("bench.latencyRate");
        }
        return Double.isNaN(tallyW1Rate) ? options.size().latencyRatePerSec : (int) (tallyW1Rate / 2);
    }

    private String latencyRateSource() {
        if (Integer.getInteger("bench.latencyRate") != null) {
            return "set by -Dbench.latencyRate";
        }
        return Double.isNaN(tallyW1Rate) ? "the size's default (run W1 first to use half of Tally's W1 rate)"
                : "half of Tally's W1 rate in this run";
    }

    private List<Contender> jobContenders() {
        return options.contenders().stream().filter(Contender::writesOutput).toList();
    }

    private String throughput(Workload w, InputLoader loader, Runner runner, Map<String, Long> loaded)
            throws Exception {
        String input = w.inputTopic();
        if (!loaded.containsKey(input)) {
            long t0 = System.nanoTime();
            loaded.put(input, loader.load(input, w.shape.input(), options.size(), w.inputRecords(options.size())));
            log.printf(Locale.ROOT, "loaded %,d records into %s in %.1f s%n", loaded.get(input), input,
                    (System.nanoTime() - t0) / 1e9);
        }
        long records = loaded.get(input);
        List<RunResult> medians = new ArrayList<>();
        for (Contender c : options.contenders()) {
            if (!c.runs(w.shape)) {
                continue;
            }
            List<RunResult> runs = new ArrayList<>();
            for (int i = 1; i <= options.runs(); i++) {
                String name = String.format("%s-%s-r%d", w.label, c.name(), i).toLowerCase(Locale.ROOT);
                String output = name + "-out";
                loader.createTopic(output);
                var job = new Job(w.shape, name, bootstrapServers, input, output, options.workDir().resolve(name));
                RunResult r = measure(runner, c, job, records);
                log.println(w.label + " run " + i + ": " + r);
                runs.add(r);
            }
            RunResult median = RunResult.median(runs);
            if (w == Workload.W1 && c instanceof TallyContender && median.ok()) {
                tallyW1Rate = median.recordsPerSec();
            }
            medians.add(median);
        }
        return Table.throughput(w, records, options.runs(), medians);
    }

    /** A contender that cannot start (Tally before it exists) fails its row, not the benchmark. */
    private static RunResult measure(Runner runner, Contender c, Job job, long records) throws InterruptedException {
        try {
            return runner.measure(c, job, records);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return RunResult.failed(c.name(), e.toString());
        }
    }
}
