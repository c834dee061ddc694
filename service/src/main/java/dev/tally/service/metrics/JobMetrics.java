package dev.tally.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** The meters of one job, labelled {@code job}. Names follow Prometheus conventions once exported. */
public final class JobMetrics {
    public final Counter recordsConsumed;
    public final Counter recordsProduced;
    public final Counter recordsLate;
    public final Counter recordsDeadLettered;
    public final Counter transactionsCommitted;
    public final Counter transactionsAborted;
    public final Counter restoredRecords;
    public final Counter rebalances;
    public final Timer batchDuration;
    public final Timer commitLatency;

    public JobMetrics(MeterRegistry registry, String job) {
        recordsConsumed = Counter.builder("tally.records.consumed").description("Input records read from the source topic")
                .tag("job", job).register(registry);
        recordsProduced = Counter.builder("tally.records.produced").description("Window results written to the sink topic")
                .tag("job", job).register(registry);
        recordsLate = Counter.builder("tally.records.late").description("Records whose windows had all closed")
                .tag("job", job).register(registry);
        recordsDeadLettered = Counter.builder("tally.records.dead.lettered")
                .description("Records written to the dead-letter topic (bad or late)").tag("job", job).register(registry);
        transactionsCommitted = Counter.builder("tally.transactions.committed").tag("job", job).register(registry);
        transactionsAborted = Counter.builder("tally.transactions.aborted").tag("job", job).register(registry);
        restoredRecords = Counter.builder("tally.restore.records").description("Changelog records replayed into local state")
                .tag("job", job).register(registry);
        rebalances = Counter.builder("tally.rebalances").tag("job", job).register(registry);
        batchDuration = Timer.builder("tally.batch.duration").description("Poll, fold and commit of one batch")
                .tag("job", job).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        commitLatency = Timer.builder("tally.commit.latency").description("The Kafka transaction of one batch")
                .tag("job", job).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }
}
