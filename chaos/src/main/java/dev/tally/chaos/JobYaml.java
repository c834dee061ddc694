package dev.tally.chaos;

/** The config file of one instance: both jobs of the run, small group timeouts so faults resolve quickly. */
final class JobYaml {
    // Small, so a killed or paused instance loses its partitions within seconds; a zombie stays
    // stopped longer than both and than the producer's 10 s transaction timeout.
    static final int SESSION_TIMEOUT_MS = 6_000;
    static final int MAX_POLL_INTERVAL_MS = 15_000;

    private JobYaml() {
    }

    static String render(ChaosSettings s, String bootstrap, String stateDir, String instanceId) {
        StringBuilder y = new StringBuilder();
        y.append("kafka:\n")
                .append("  bootstrap.servers: ").append(bootstrap).append('\n')
                .append("  session.timeout.ms: ").append(SESSION_TIMEOUT_MS).append('\n')
                .append("  heartbeat.interval.ms: 1000\n")
                .append("  max.poll.interval.ms: ").append(MAX_POLL_INTERVAL_MS).append('\n')
                .append("  reconnect.backoff.max.ms: 2000\n")
                .append("state:\n")
                .append("  dir: '").append(stateDir).append("'\n")
                .append("  instance-id: ").append(instanceId).append('\n')
                .append("  memory: 64MB\n")
                .append("http:\n  enabled: false\n")
                .append("jobs:\n");
        for (ChaosSettings.JobSpec job : s.jobs()) {
            y.append("  - name: ").append(job.name()).append('\n')
                    .append("    source: { topic: ").append(s.inputTopic()).append(", format: json }\n")
                    .append("    key: ").append(job.recordKey() ? "{ record-key: true }" : "user").append('\n')
                    // A realistic grace, twice the input's disorder: nothing is late under its own partition's
                    // watermark; a repartition task waits for the slowest source partition.
                    .append("    time: { type: event, field: ts, grace: ").append(2 * Workload.DISORDER_MS).append("ms }\n")
                    .append("    window: ").append(window(job)).append('\n')
                    .append("    aggregates: { n: count, seq_sum: { sum: seq } }\n")
                    .append("    emit: ").append(job.emitFinal() ? "final" : "changes").append('\n')
                    .append("    threads: ").append(s.threads()).append('\n')
                    .append("    standby-replicas: ").append(s.standbyReplicas()).append('\n')
                    .append("    batch: { interval: 300ms, max-records: 5000 }\n")
                    .append("    sink: { topic: ").append(job.sinkTopic()).append(" }\n")
                    .append("    dead-letter: { topic: ").append(job.deadLetterTopic()).append(" }\n");
        }
        return y.toString();
    }

    private static String window(ChaosSettings.JobSpec job) {
        if (job.sizeMs() == job.slideMs()) {
            return "{ type: tumbling, size: " + ms(job.sizeMs()) + " }";
        }
        return "{ type: hopping, size: " + ms(job.sizeMs()) + ", slide: " + ms(job.slideMs()) + " }";
    }

    private static String ms(long millis) {
        return millis + "ms";
    }
}
