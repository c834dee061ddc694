package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.connectors.postgres.PostgresSink;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database sinks of this process, one per job that has {@code sink.postgres}, each on its own
 * thread beside the job's processing threads: a slow or absent database holds back the table,
 * never the job's Kafka output or its readiness.
 */
public final class DatabaseSinks {
    private final Map<String, PostgresSink> sinks = new ConcurrentHashMap<>();
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();

    /** Starts the job's sink if it has one; meters {@code tally_sink_lag_records} and {@code tally_sink_rows_applied_total}. */
    public void start(JobConfig job, KafkaClientSettings settings, String instanceId, MeterRegistry registry) {
        if (job.sink().postgres() == null) {
            return;
        }
        PostgresSink sink = new PostgresSink(job, settings, instanceId);
        Gauge.builder("tally.sink.lag.records", sink, PostgresSink::lagRecords)
                .description("Output records not yet applied to the job's database table").tag("job", job.name())
                .register(registry);
        FunctionCounter.builder("tally.sink.rows.applied", sink, PostgresSink::rowsApplied)
                .description("Rows written to the job's database table (after de-duplication within a batch)")
                .tag("job", job.name()).register(registry);
        Thread t = new Thread(sink, "tally-sink-" + job.name());
        t.setDaemon(true);
        sinks.put(job.name(), sink);
        threads.put(job.name(), t);
        t.start();
    }

    /** The sink's state for /jobs, or null when the job has none. */
    public Map<String, Object> status(String job) {
        PostgresSink s = sinks.get(job);
        return s == null ? null : s.toMap();
    }

    public void stop() {
        sinks.values().forEach(PostgresSink::stop);
    }

    public void awaitTermination() throws InterruptedException {
        for (Thread t : threads.values()) {
            t.join(30_000);
        }
    }
}
