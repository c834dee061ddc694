package dev.tally.bench;

import dev.tally.broker.BrokerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code bench/run.sh [--size tiny|small|full] [--workloads W1,W2,...] [--contenders ceiling,hand-written,write-only,kstreams,tally,tally-dashboard]
 * [--runs N] [--timeout-min M] [--keep] [--out FILE]}: starts one broker in a child JVM, loads each input once,
 * measures every contender in its own JVM and prints one markdown table per workload.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Size size = Size.TINY;
        String workloads = "W1,W2,W3,W4";
        String contenders = "ceiling,hand-written,write-only,kstreams,tally";
        int runs = -1;
        boolean keep = false;
        Path out = null;
        int timeoutMinutes = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Size.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--workloads" -> workloads = args[++i];
                case "--contenders" -> contenders = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--timeout-min" -> timeoutMinutes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: run.sh [--size tiny|small|full] [--workloads W1,W2,W3,W4,W5,W6|all]"
                        + " [--contenders ceiling,hand-written,write-only,kstreams,tally,tally-dashboard] [--runs N] [--timeout-min M] [--keep] [--out FILE]");
            }
        }
        // Ctrl-C or SIGTERM must not leave a broker or a contender running behind us
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy), "stop-children"));
        Path work = Files.createTempDirectory("tally-bench-");
        var options = new Bench.Options(size, Workload.parse(workloads), parseContenders(contenders),
                runs > 0 ? runs : size.defaultRuns, work, environment(), Duration.ofMinutes(timeoutMinutes));
        System.out.println("work dir " + work + ", load average " + loadAverage());
        long t0 = System.nanoTime();
        String report;
        BrokerProcess broker = BrokerProcess.start(work.resolve("broker"), 0);
        try {
            System.out.println("broker " + broker.bootstrapServers() + " pid " + broker.pid());
            // the runner charges the broker's CPU during each run to that run (Runner.brokerCpuSeconds)
            System.setProperty("bench.brokerPid", String.valueOf(broker.pid()));
            report = new Bench(options, broker.bootstrapServers(), System.out).run();
        } finally {
            broker.close();
        }
        report += String.format(Locale.ROOT, "Whole run: %.0f s, finished %s, load average %s%n",
                (System.nanoTime() - t0) / 1e9, Instant.now(), loadAverage());
        System.out.println();
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
        if (!keep) {
            deleteTree(work);
        }
    }

    static List<Contender> parseContenders(String list) {
        List<Contender> out = new ArrayList<>();
        for (String s : list.split(",")) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "ceiling" -> out.add(new CeilingContender());
                case "hand-written" -> out.add(W1Baseline.handWritten());
                case "write-only" -> out.add(W1Baseline.writeOnly());
                case "kstreams" -> out.add(new KafkaStreamsContender());
                case "tally" -> out.add(new TallyContender());
                case "tally-dashboard" -> out.add(new TallyContender(true));
                case "tally-baseline" -> out.add(TallyContender.baseline());
                case "" -> { }
                default -> throw new IllegalArgumentException("unknown contender " + s);
            }
        }
        return out;
    }

    /** Children run on the harness's own JVM and classpath (run.sh passes the bench classpath). */
    static Contender.Environment environment() {
        // children run in their own directories: relative classpath entries would not resolve there
        String classpath = Arrays.stream(System.getProperty("bench.classpath", System.getProperty("java.class.path"))
                .split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        String jar = System.getProperty("bench.agentJar");
        String childLogLevel = System.getProperty("bench.childLogLevel", "warn");
        Path repo = Path.of(System.getProperty("bench.repoRoot", ".")).toAbsolutePath().normalize();
        return new Contender.Environment(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                classpath, List.of("-Xms256m", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + childLogLevel,
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        // Tally's own runtime logs through Logback (bin/tally); a baseline checkout may still use slf4j-simple.
                        "-DTALLY_LOG_ROOT_LEVEL=" + childLogLevel), repo, jar == null ? null : Path.of(jar));
    }

    static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.exists(p) ? String.join(" ", List.of(Files.readString(p).split(" ")).subList(0, 3)) : "n/a";
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
