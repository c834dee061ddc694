package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tally itself: {@code bin/tally run -c <yaml>} from the repository root, one job per run. Its
 * consumer group is {@code tally-<job name>}.
 */
final class TallyContender implements Contender {
    private final boolean dashboard;
    /** Another built checkout whose {@code bin/tally} runs instead (a before/after comparison), or null. */
    private final java.nio.file.Path baselineRoot;
    private volatile int httpPort;

    TallyContender() {
        this(false);
    }

    /** {@code dashboard}: the same run with Tally's HTTP port on and a dashboard page open in headless Chromium. */
    TallyContender(boolean dashboard) {
        this.dashboard = dashboard;
        this.baselineRoot = null;
    }

    private TallyContender(java.nio.file.Path baselineRoot) {
        this.dashboard = false;
        this.baselineRoot = baselineRoot;
    }

    /**
     * {@code tally-baseline}: the same job run by the checkout at {@code -Dbench.baselineRoot}, built
     * with {@code mvn -DskipTests package}: today's code against a change, in one invocation.
     */
    static TallyContender baseline() {
        String root = System.getProperty("bench.baselineRoot");
        if (root == null) {
            throw new IllegalArgumentException("tally-baseline needs -Dbench.baselineRoot=<a built checkout> (BENCH_JAVA_OPTS)");
        }
        return new TallyContender(java.nio.file.Path.of(root).toAbsolutePath());
    }

    @Override
    public String name() {
        return baselineRoot != null ? "tally-baseline" : dashboard ? "tally-dashboard" : "tally";
    }

    @Override
    public Observer observe(Job job) {
        if (!dashboard) {
            return Observer.NONE;
        }
        DashboardViewer v = DashboardViewer.open("http://127.0.0.1:" + httpPort, job.runDir().resolve("dashboard"));
        return new Observer() {
            @Override
            public String summary() {
                return v.summary();
            }

            @Override
            public void close() throws InterruptedException {
                v.close();
            }
        };
    }

    @Override
    public String deadLetterTopic(Job job) {
        return job.name() + "-dead-letter";
    }

    @Override
    public Launch prepare(Job job, Environment env) throws IOException {
        Files.createDirectories(job.stateDir());
        var yaml = job.runDir().resolve("tally.yaml");
        String http = "http: { enabled: false }\n";
        if (dashboard) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                httpPort = s.getLocalPort();
            }
            http = "http: { bind: 127.0.0.1, port: " + httpPort + " }\n";
        }
        Files.writeString(yaml, yaml(job).replace("http: { enabled: false }\n", http));
        var heapFile = job.runDir().resolve("heap-peak.txt");
        Map<String, String> vars = new HashMap<>();
        vars.put("JAVA_OPTS", String.join(" ", jvmOptions(job, env)));
        if (env.agentJar() != null && Files.exists(env.agentJar())) {
            vars.put("JAVA_TOOL_OPTIONS", "-javaagent:" + env.agentJar() + "=" + heapFile);
        }
        java.nio.file.Path root = baselineRoot != null ? baselineRoot : env.repoRoot();
        var command = List.of(root.resolve("bin/tally").toString(), "run", "-c", yaml.toString());
        String job0 = job.name();
        return new Launch(command, env.repoRoot(), vars, "tally-" + job0, job.stateDir(), heapFile,
                t -> t.contains(job0) && (t.contains("changelog") || t.contains("repartition")),
                t -> t.contains(job0) && t.contains("repartition"));
    }

    /**
     * W4's target is a heap of at most 512 MB with ten million keys: Tally runs those jobs with
     * exactly that heap, so an overrun is an OutOfMemoryError rather than a number to squint at.
     */
    static List<String> jvmOptions(Job job, Environment env) {
        // W7's table target is the same heap: a million keys must load into 512 MB.
        if (job.shape() != JobShape.KEYED_SUM && job.shape() != JobShape.VIEWS_PER_COUNTRY) {
            return env.jvmOptions();
        }
        return env.jvmOptions().stream().map(o -> o.startsWith("-Xmx") ? "-Xmx512m" : o).toList();
    }

    /** The job in the config module's YAML format. */
    static String yaml(Job job) {
        var y = new StringBuilder()
                .append("kafka: { bootstrap.servers: \"").append(job.bootstrapServers()).append('"')
                .append(extraClientSettings()).append(" }\n")
                .append("state: { dir: ").append(job.stateDir()).append(", memory: 256MB }\n")
                .append("http: { enabled: false }\n")
                .append("jobs:\n")
                .append("  - name: ").append(job.name()).append('\n');
        String eventTime = "    time: { type: event, field: ts, format: epoch-millis, grace: 5s }\n";
        switch (job.shape()) {
            case HOPPING_COUNT -> y.append(jsonSource(job)).append("    key: { record-key: true }\n")
                    .append(eventTime)
                    .append("    window: { type: hopping, size: 30s, slide: 10s }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: changes\n");
            case HOUR_SLIDING_FINAL -> y.append(jsonSource(job)).append("    key: { record-key: true }\n")
                    .append(eventTime)
                    .append("    window: { type: hopping, size: 1h, slide: 1m }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: final\n");
            case TUMBLING_FINAL -> y.append(jsonSource(job)).append("    key: { record-key: true }\n")
                    .append(eventTime)
                    .append("    window: { type: tumbling, size: 10s }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: final\n");
            case WORD_COUNT -> y.append("    source: { topic: ").append(job.inputTopic()).append(", format: text }\n")
                    .append("    transform:\n")
                    .append("      - split: { field: line, pattern: '\\W+', as: word }\n")
                    .append("      - lowercase: word\n")
                    .append("      - filter: \"word != ''\"\n")
                    .append("    key: word\n")
                    .append("    time: { type: log-append, grace: 5s }\n")
                    .append("    window: { type: hopping, size: 30s, slide: 10s }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: changes\n");
            case PAGE_COUNT -> y.append(jsonSource(job)).append("    key: page\n")
                    .append(eventTime)
                    .append("    window: { type: hopping, size: 30s, slide: 10s }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: final\n");
            case KEYED_SUM -> y.append(jsonSource(job)).append("    key: { record-key: true }\n")
                    .append(eventTime)
                    .append("    window: { type: tumbling, size: 1m }\n")
                    .append("    aggregates: { total: { sum: amount }, distinct: { count_distinct: user } }\n")
                    .append("    emit: changes\n");
            case VIEWS_PER_COUNTRY -> y.append(jsonSource(job))
                    .append("    tables:\n")
                    .append("      users: { topic: ").append(JobShape.tableTopic(job.inputTopic())).append(", format: json }\n")
                    .append("    transform:\n")
                    .append("      - lookup: { table: users, key: user, fields: { country: country } }\n")
                    .append("    key: country\n")
                    .append(eventTime)
                    .append("    window: { type: tumbling, size: 1m }\n")
                    .append("    aggregates: { count: count }\n")
                    .append("    emit: final\n");
        }
        // One processing thread: on the 2-core machine with the broker beside it, threads: 2 measured
        // no faster on W1 (229k/175k against 230k/232k records/s) at more CPU per record (6.3-8.8
        // against 5.5 s/M), because the cores are already busy. -Dbench.tallyThreads=N to compare.
        return y.append("    threads: ").append(Integer.getInteger("bench.tallyThreads", 1)).append('\n')
                .append("    batch: { interval: 1s, max-records: 200000 }\n")
                .append("    sink: { topic: ").append(job.outputTopic()).append(" }\n")
                .toString();
    }

    /** {@code -Dbench.tallyKafka=batch.size=65536,linger.ms=0}: client settings to try, added to Tally's kafka block. */
    private static String extraClientSettings() {
        var b = new StringBuilder();
        for (String kv : System.getProperty("bench.tallyKafka", "").split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                b.append(", ").append(kv, 0, eq).append(": \"").append(kv.substring(eq + 1)).append('"');
            }
        }
        return b.toString();
    }

    private static String jsonSource(Job job) {
        return "    source: { topic: " + job.inputTopic() + ", format: json }\n";
    }
}
