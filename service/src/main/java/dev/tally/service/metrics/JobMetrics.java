package dev.tally.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The meters of one job, labelled {@code job} (and {@code partition} where a value is per task;
 * bounded by the partition count). Names follow Prometheus conventions once exported: counters
 * end in {@code _total}, durations are seconds, sizes bytes.
 */
public final class JobMetrics {
    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    public final Counter recordsConsumed;
    public final Counter recordsProduced;
    public final Counter recordsLate;
    /** Partials that reached a repartition task after their windows closed: a bug, never expected. */
    public final Counter latePartials;
    public final Counter recordsDeadLettered;
    public final Counter transactionsCommitted;
    public final Counter transactionsAborted;
    public final Counter restoredRecords;
    public final Counter rebalances;
    public final Timer batchDuration;
    public final Timer commitLatency;

    private final MeterRegistry registry;
    private final String job;
    private final MultiGauge consumerLag;
    private final MultiGauge watermarkLag;
    /** Task -> watermark, written by the job's threads after each batch, read at scrape time. */
    private final Map<Integer, Long> watermarks = new ConcurrentHashMap<>();
    /** Task -> the processing thread that reported it last: a thread drops only its own tasks. */
    private final Map<Integer, Integer> watermarkOwners = new HashMap<>();
    /** One processing and one restore consumer per processing thread of the job. */
    private final List<Consumer<?, ?>> processingConsumers = new CopyOnWriteArrayList<>();
    private final List<Consumer<?, ?>> restoreConsumers = new CopyOnWriteArrayList<>();
    private volatile String changelogTopicTag;
    private Gauge ready;
    /** Partition -> the consumer metric its lag row reads, as last registered. */
    private Map<String, Metric> lastLagMetrics = Map.of();
    /** kind (processing, standby) -> threads of the job here that died of an error. */
    private final Map<String, Counter> threadFailures = new ConcurrentHashMap<>();

    public JobMetrics(MeterRegistry registry, String job) {
        this.registry = registry;
        this.job = job;
        recordsConsumed = Counter.builder("tally.records.consumed").description("Input records read from the source topic")
                .tag("job", job).register(registry);
        recordsProduced = Counter.builder("tally.records.produced").description("Window results written to the sink topic")
                .tag("job", job).register(registry);
        recordsLate = Counter.builder("tally.records.late").description("Records whose windows had all closed")
                .tag("job", job).register(registry);
        latePartials = Counter.builder("tally.partials.late").description("Partial aggregates that reached a repartition task after its windows closed (an internal error)")
                .tag("job", job).register(registry);
        recordsDeadLettered = Counter.builder("tally.records.dead.lettered")
                .description("Records written to the dead-letter topic (bad or late)").tag("job", job).register(registry);
        transactionsCommitted = Counter.builder("tally.transactions.committed")
                .description("Batches committed (one Kafka transaction each)").tag("job", job).register(registry);
        transactionsAborted = Counter.builder("tally.transactions.aborted")
                .description("Batches dropped after a failed transaction").tag("job", job).register(registry);
        restoredRecords = Counter.builder("tally.restore.records").description("Changelog records replayed into local state")
                .tag("job", job).register(registry);
        rebalances = Counter.builder("tally.rebalances").description("Partitions revoked or lost in a consumer group rebalance")
                .tag("job", job).register(registry);
        batchDuration = Timer.builder("tally.batch.duration").description("Poll, fold and commit of one batch")
                .tag("job", job).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        commitLatency = Timer.builder("tally.commit.latency").description("The Kafka transaction of one batch")
                .tag("job", job).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        consumerLag = MultiGauge.builder("tally.consumer.lag").baseUnit("records")
                .description("Records between the processing consumer's position and the last stable offset")
                .tag("job", job).register(registry);
        watermarkLag = MultiGauge.builder("tally.watermark.lag").baseUnit("seconds")
                .description("Wall clock minus the task's watermark").tag("job", job).register(registry);
        for (String kind : new String[] {"processing", "standby"}) {
            // Both kinds from the start, at 0, so an alert on an increase sees the first failure.
            threadFailures.put(kind, Counter.builder("tally.thread.failures")
                    .description("Processing or standby threads of the job that died of an error (see failures in /jobs)")
                    .tag("job", job).tag("kind", kind).register(registry));
        }
        Gauge.builder("tally.restore.remaining", this, JobMetrics::restoreRemaining).baseUnit("records")
                .description("Changelog offsets still to replay for the task being restored")
                .tag("job", job).register(registry);
    }

    /**
     * One processing thread's Kafka clients, once created (job thread). Lag is read from the
     * consumers' own fetch metrics, which Kafka keeps against the last stable offset under
     * read_committed and which are safe to read from other threads, so a scrape never touches a consumer.
     */
    public void bindConsumers(Consumer<?, ?> processing, Consumer<?, ?> restore, String changelogTopic) {
        // Kafka tags partition-level fetch metrics with the topic name, dots replaced by underscores.
        this.changelogTopicTag = changelogTopic.replace('.', '_');
        processingConsumers.add(processing);
        restoreConsumers.add(restore);
    }

    /** A processing thread closed its clients: their partitions are no longer this thread's to report. */
    public void unbindConsumers(Consumer<?, ?> processing, Consumer<?, ?> restore) {
        processingConsumers.remove(processing);
        restoreConsumers.remove(restore);
    }

    /** A thread of the job ({@code kind}: processing or standby) died of an error. */
    public void threadFailed(String kind) {
        threadFailures.get(kind).increment();
    }

    /** Where the job's other meters (its tables') register. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Whether the job serves (restored, producer initialised), as a 0/1 gauge for dashboards and alerts. */
    public void bindReadiness(BooleanSupplier isReady) {
        if (ready == null) {
            ready = Gauge.builder("tally.job.ready", isReady, r -> r.getAsBoolean() ? 1 : 0)
                    .description("1 when every assigned task is restored and the producer initialised")
                    .tag("job", job).strongReference(true).register(registry);
        }
    }

    /**
     * After each batch of processing thread {@code thread}: the per-partition gauges follow the
     * current assignment and watermarks of all the job's threads. Values stay live between batches:
     * watermark lag grows with the wall clock while a job is stuck, and consumer lag is read from
     * the consumers' metrics at scrape time.
     */
    public synchronized void afterBatch(int thread, Map<Integer, Long> taskWatermarks) {
        watermarkOwners.entrySet().removeIf(e -> {
            boolean gone = e.getValue() == thread && !taskWatermarks.containsKey(e.getKey());
            if (gone) {
                watermarks.remove(e.getKey());
            }
            return gone;
        });
        taskWatermarks.keySet().forEach(t -> watermarkOwners.put(t, thread));
        watermarks.putAll(taskWatermarks);
        List<MultiGauge.Row<?>> wm = new ArrayList<>(watermarks.size());
        for (Integer task : watermarks.keySet()) {
            wm.add(MultiGauge.Row.of(Tags.of("partition", String.valueOf(task)), watermarks,
                    m -> lagSeconds(m.get(task))));
        }
        // Never overwrite a row that exists: an overwrite removes and re-adds its gauge, and a
        // Prometheus scrape in between sees it twice and fails (micrometer#6851). A row's value is
        // read from the shared map, so a kept row stays right.
        watermarkLag.register(wm, false);
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        Map<String, Metric> lagMetrics = new HashMap<>();
        for (Consumer<?, ?> c : processingConsumers) {
            c.metrics().forEach((name, metric) -> {
                if (isPartitionLag(name)) {
                    lag.add(MultiGauge.Row.of(Tags.of("topic", name.tags().get("topic"), "partition", name.tags().get("partition")),
                            metric, JobMetrics::value));
                    lagMetrics.put(name.tags().get("topic") + "-" + name.tags().get("partition"), metric);
                }
            });
        }
        // A row reads one consumer's metric object: re-registered only when a partition moved to
        // another metric (a rebalance, a new consumer), not after every batch (the same race).
        if (!sameMetrics(lagMetrics, lastLagMetrics)) {
            consumerLag.register(lag, true);
            lastLagMetrics = lagMetrics;
        }
    }

    private static boolean sameMetrics(Map<String, Metric> now, Map<String, Metric> before) {
        return now.size() == before.size() && now.entrySet().stream().allMatch(e -> before.get(e.getKey()) == e.getValue());
    }

    private static double lagSeconds(Long watermark) {
        // Long.MIN_VALUE: no record seen yet, so there is no watermark to lag behind.
        if (watermark == null || watermark == Long.MIN_VALUE) {
            return Double.NaN;
        }
        return (System.currentTimeMillis() - watermark) / 1000.0;
    }

    private double restoreRemaining() {
        double sum = 0;
        for (Consumer<?, ?> c : restoreConsumers) {
            for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
                if (isPartitionLag(e.getKey()) && changelogTopicTag.equals(e.getKey().tags().get("topic"))) {
                    double v = value(e.getValue());
                    sum += Double.isNaN(v) ? 0 : v;
                }
            }
        }
        return sum;
    }

    private static boolean isPartitionLag(MetricName name) {
        return RECORDS_LAG.equals(name.name()) && FETCH_GROUP.equals(name.group()) && name.tags().containsKey("partition");
    }

    private static double value(Metric m) {
        return m.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
