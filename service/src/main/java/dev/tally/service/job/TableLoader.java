package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.table.JobTables;
import dev.tally.engine.table.StoredTable;
import dev.tally.state.TableStore;
import dev.tally.state.TableWrites;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a job's tables (global tables: every instance reads every partition of every table topic,
 * with {@code assign()}, no consumer group, read_committed) in the job's local store. At start it
 * loads from the offsets stored with the table to the end offsets seen then, and the job is not
 * ready before; afterwards {@link #catchUp()} applies what arrived, between batches. Each poll's
 * records are applied in one atomic write together with the offsets they bring the table to, so a
 * restart after SIGKILL reads only the tail. Shared by the job's processing threads.
 */
public final class TableLoader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TableLoader.class);
    /** Polls per catch-up between batches: bounds the time a batch start spends on the table. */
    private static final int CATCH_UP_POLLS = 20;


    private final String job;
    private final JobTables tables;
    private final TableStore store;
    private final Map<String, List<StoredTable>> byTopic = new LinkedHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, TableCounts> counts = new LinkedHashMap<>();
    private volatile boolean loaded;
    private volatile boolean stopping;
    private boolean missingTopicLogged;

    public TableLoader(JobConfig job, KafkaClientSettings settings, TableStore store, String clientId) {
        this.job = job.name();
        this.store = store;
        this.tables = new JobTables(job, store);
        for (StoredTable t : tables.all().values()) {
            byTopic.computeIfAbsent(t.config().topic(), k -> new ArrayList<>()).add(t);
            counts.put(t.config().name(), new TableCounts());
        }
        this.consumer = tables.isEmpty() ? null : new KafkaConsumer<>(consumerProperties(settings, clientId));
    }

    private static java.util.Properties consumerProperties(KafkaClientSettings settings, String clientId) {
        java.util.Properties p = settings.restoreConsumer(clientId);
        // A table topic is the user's: a lookup must not create an empty one by asking for its metadata.
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A table is read whole at start: larger fetches per partition than a processing consumer's.
        p.putIfAbsent(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50000");
        return p;
    }

    public JobTables tables() {
        return tables;
    }

    public Map<String, TableCounts> counts() {
        return counts;
    }

    /** True once the tables reached the end offsets seen at start (always, for a job without tables). */
    public boolean caughtUp() {
        return consumer == null || loaded;
    }

    /**
     * Loads every table up to the end offsets seen now; returns at once when already done (another
     * processing thread did it). Waits, not ready, while a table topic does not exist yet.
     */
    public synchronized void loadAtStart() throws InterruptedException {
        if (consumer == null || loaded) {
            return;
        }
        long t0 = System.nanoTime();
        List<TopicPartition> partitions = awaitPartitions();
        if (partitions == null) {
            return;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> from = new HashMap<>();
        for (StoredTable t : tables.all().values()) {
            store.offsets(t.storageName()).forEach((p, o) -> from.put(new TopicPartition(t.config().topic(), p), o));
        }
        for (TopicPartition tp : partitions) {
            if (from.containsKey(tp)) {
                consumer.seek(tp, from.get(tp));
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        try {
            while (!stopping && partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                apply(consumer.poll(Duration.ofMillis(200)), false);
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
        if (stopping) {
            return;
        }
        loaded = true;
        updateLag();
        for (Map.Entry<String, TableCounts> c : counts.entrySet()) {
            log.info("job {}: table {} loaded, {} records read from {} in {} ms", job, c.getKey(),
                    c.getValue().loaded.sum(), from.isEmpty() ? "the beginning" : "the stored offsets",
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Applies the table records that arrived since the last call, without waiting for more. */
    public synchronized void catchUp() {
        if (consumer == null || !loaded || stopping) {
            return;
        }
        try {
            for (int i = 0; i < CATCH_UP_POLLS; i++) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ZERO);
                if (records.isEmpty()) {
                    break;
                }
                apply(records, true);
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
        updateLag();
    }

    private List<TopicPartition> awaitPartitions() throws InterruptedException {
        while (!stopping) {
            List<TopicPartition> partitions = new ArrayList<>();
            String missing = null;
            for (String topic : byTopic.keySet()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    missing = topic;
                    break;
                }
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            if (missing == null) {
                return partitions;
            }
            if (!missingTopicLogged) {
                missingTopicLogged = true;
                log.warn("job {}: table topic {} does not exist; the job is not ready until it does", job, missing);
            }
            Thread.sleep(1_000);
        }
        return null;
    }

    private void apply(ConsumerRecords<byte[], byte[]> records, boolean following) {
        if (records.isEmpty()) {
            return;
        }
        try (TableWrites writes = store.newWrites()) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                for (StoredTable t : byTopic.get(r.topic())) {
                    StoredTable.Rejection rejected = t.add(writes, r.key(), r.value(), r.timestamp(), following);
                    TableCounts c = counts.get(t.config().name());
                    if (rejected == null) {
                        c.loaded.increment();
                    } else if (c.skipped.get(rejected).sum() == 0) {
                        c.skipped.get(rejected).increment();
                        log.warn("job {}: table {} skips records with {} (first at {}-{}@{}); counted from now on",
                                job, t.config().name(), rejected, r.topic(), r.partition(), r.offset());
                    } else {
                        c.skipped.get(rejected).increment();
                    }
                }
            }
            // position(), not last offset + 1: a transactional topic ends in commit markers.
            for (TopicPartition tp : records.partitions()) {
                long next = consumer.position(tp);
                for (StoredTable t : byTopic.get(tp.topic())) {
                    writes.offset(t.storageName(), tp.partition(), next);
                }
            }
            store.apply(writes);
        }
    }

    private void updateLag() {
        // Unknown (-1) until the consumer has fetched from every partition of the topic.
        Map<String, Long> lagByTopic = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            java.util.OptionalLong lag = consumer.currentLag(tp);
            lagByTopic.merge(tp.topic(), lag.isPresent() ? lag.getAsLong() : -1L, (a, b) -> a < 0 || b < 0 ? -1L : a + b);
        }
        for (StoredTable t : tables.all().values()) {
            counts.get(t.config().name()).lag = lagByTopic.getOrDefault(t.config().topic(), -1L);
        }
    }

    /** What /jobs shows per table: versions stored, lag, records loaded and skipped. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (StoredTable t : tables.all().values()) {
            TableCounts c = counts.get(t.config().name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", t.config().topic());
            m.put("caughtUp", caughtUp());
            m.put("versions", store.approximateVersions(t.storageName()));
            m.put("lag", c.lag);
            m.put("recordsLoadedSinceStart", c.loaded.sum());
            m.put("skippedNoKey", c.skipped(StoredTable.Rejection.NO_KEY));
            m.put("skippedUndecodable", c.skipped(StoredTable.Rejection.UNDECODABLE));
            m.put("droppedLookups", t.droppedCount());
            out.put(t.config().name(), m);
        }
        return out;
    }

    /** Table size, lag, loaded and skipped records and dropped lookups as meters tagged with job and table. */
    public void bindMetrics(MeterRegistry registry) {
        for (StoredTable t : tables.all().values()) {
            TableCounts c = counts.get(t.config().name());
            Tags tags = Tags.of("job", job, "table", t.config().name());
            FunctionCounter.builder("tally.table.records.loaded", c.loaded, LongAdder::sum)
                    .description("Table records applied to the local table since start").tags(tags).register(registry);
            for (StoredTable.Rejection r : StoredTable.Rejection.values()) {
                FunctionCounter.builder("tally.table.records.skipped", c.skipped.get(r), LongAdder::sum)
                        .description("Table records skipped (no key, undecodable)").tags(tags.and("reason", r.name()))
                        .register(registry);
            }
            FunctionCounter.builder("tally.lookup.dropped", t, StoredTable::droppedCount)
                    .description("Records dropped because a lookup found no row (missing: drop)").tags(tags).register(registry);
            Gauge.builder("tally.table.lag", c, TableCounts::lag).description("Table topic records not yet applied")
                    .tags(tags).register(registry);
            Gauge.builder("tally.table.versions", t, x -> store.approximateVersions(x.storageName()))
                    .description("Approximate versions stored for the table").tags(tags).register(registry);
        }
    }

    /** Ends a load in progress (shutdown); safe from any thread. */
    public void stop() {
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
