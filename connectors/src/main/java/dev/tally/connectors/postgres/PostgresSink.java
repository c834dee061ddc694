package dev.tally.connectors.postgres;

import dev.tally.config.JobConfig;
import dev.tally.connectors.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's PostgreSQL sink: reads the job's committed output (read_committed, consumer group
 * {@code tally-<job>-pg}) and applies it batch by batch through {@link TableWriter}, each batch
 * with the topic's next offsets in one database transaction. Its position lives only in the
 * database: on start, on every assignment and after every failure it seeks to the offsets there
 * (never to Kafka's, which it never commits). The database being down pauses the sink, not the job.
 */
public final class PostgresSink implements Runnable {
    public enum State { STARTING, RUNNING, RETRYING, FAILED, STOPPED }

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);
    private static final int MAX_BATCH_RECORDS = 50_000;
    private static final long LINGER_MS = 200;
    private static final long LAG_REFRESH_MS = 1_000;
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long DRAIN_MS = 10_000;

    private final String job;
    private final String topic;
    private final String table;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TableWriter writer;
    private final WindowRows rows;
    /** Partition -> next offset as the database holds it (as last read or written by this sink). */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** Assigned partitions not yet positioned at the database's offsets: paused until they are. */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private volatile boolean stopping;
    private volatile long drainUntil = Long.MAX_VALUE;
    private volatile State state = State.STARTING;
    private volatile String error;
    private volatile long lag;
    private volatile long rowsApplied;
    private volatile long lastCommitMillis;
    private long batchStartedMillis;
    private long lagRefreshedMillis;
    private long backoffMs = MIN_BACKOFF_MS;

    public PostgresSink(JobConfig job, KafkaClientSettings settings, String instanceId) {
        this.job = job.name();
        this.topic = job.sink().topic();
        this.table = job.sink().postgres().table();
        SinkTable t = new SinkTable(job);
        this.writer = new TableWriter(job.sink().postgres(), t, job.name());
        this.rows = new WindowRows(t.columns());
        this.consumer = new KafkaConsumer<>(settings.processingConsumer("tally-" + job.name() + "-pg", instanceId));
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (!stopping || !drained()) {
                step();
            }
            flushQuietly();
            state = state == State.FAILED ? State.FAILED : State.STOPPED;
        } catch (SinkException.Fatal e) {
            error = e.getMessage();
            state = State.FAILED;
            LOG.error("postgres sink of job {} stopped: {}; the job's Kafka output continues", job, e.getMessage());
        } catch (RuntimeException e) {
            error = e.toString();
            state = State.FAILED;
            LOG.error("postgres sink of job {} stopped: {}; the job's Kafka output continues", job, e, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            writer.close();
        }
    }

    /** One poll, and a batch write when one is due; retries what can be retried. */
    private void step() throws SinkException.Fatal {
        try {
            if (!unpositioned.isEmpty()) {
                position();
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(LINGER_MS / 2))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (applied.containsKey(tp) && !unpositioned.contains(tp)) {
                    if (rows.records() == 0) {
                        batchStartedMillis = System.currentTimeMillis();
                    }
                    addRecord(r);
                }
            }
            long now = System.currentTimeMillis();
            if (rows.records() >= MAX_BATCH_RECORDS || now - batchStartedMillis >= LINGER_MS) {
                flush();
                batchStartedMillis = now;
            }
            refreshLag(now);
        } catch (SinkException.Fenced e) {
            LOG.info("postgres sink of job {}: {}; resuming from the database's offsets", job, e.getMessage());
            restartFromDatabase();
        } catch (SinkException.Transient | KafkaException e) {
            retryLater(e);
        } catch (SinkException e) { // only Fatal is left
            throw (SinkException.Fatal) e;
        }
    }

    private void addRecord(ConsumerRecord<byte[], byte[]> r) throws SinkException.Fatal {
        try {
            rows.add(r.key(), r.value());
        } catch (IllegalArgumentException bad) {
            throw new SinkException.Fatal(topic + "-" + r.partition() + "@" + r.offset() + " is not a window record ("
                    + bad.getMessage() + "); nothing after it was applied to " + table);
        }
    }

    /** Reads the database's offsets of the unpositioned partitions, seeks there, resumes them. */
    private void position() throws SinkException {
        List<String> added = writer.connect();
        added.forEach(sql -> LOG.info("postgres sink of job {}: a new aggregate, {}", job, sql));
        Map<Integer, Long> db = writer.offsets(topic, unpositioned.stream().map(TopicPartition::partition).toList());
        for (TopicPartition tp : unpositioned) {
            long next = db.getOrDefault(tp.partition(), 0L);
            consumer.seek(tp, next);
            applied.put(tp, next);
        }
        consumer.resume(unpositioned);
        unpositioned.clear();
        if (state != State.RUNNING) {
            if (state == State.RETRYING) {
                LOG.info("postgres sink of job {}: {} reachable again, catching up from the offsets stored there", job, table);
            }
            state = State.RUNNING;
            error = null;
            backoffMs = MIN_BACKOFF_MS;
        }
    }

    /** Writes the batch and the partitions' new positions (also when only commit markers moved them). */
    private void flush() throws SinkException {
        Map<Integer, Long> expected = new LinkedHashMap<>();
        Map<Integer, Long> next = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : applied.entrySet()) {
            if (unpositioned.contains(e.getKey())) {
                continue;
            }
            long position = consumer.position(e.getKey());
            if (position != e.getValue()) {
                expected.put(e.getKey().partition(), e.getValue());
                next.put(e.getKey().partition(), position);
            }
        }
        if (next.isEmpty()) {
            return;
        }
        writer.apply(rows, topic, expected, next);
        rowsApplied += rows.rows();
        rows.clear();
        next.forEach((p, o) -> applied.put(new TopicPartition(topic, p), o));
        lastCommitMillis = System.currentTimeMillis();
    }

    private void flushQuietly() {
        try {
            if (unpositioned.isEmpty()) {
                flush();
            }
        } catch (SinkException | KafkaException e) {
            // whoever owns the partitions next resumes from the database's offsets: nothing is lost
            LOG.info("postgres sink of job {}: batch not written ({}); it is read again", job, e.getMessage());
            restartFromDatabase();
        }
    }

    /** Drops the batch and re-reads every assigned partition's position from the database. */
    private void restartFromDatabase() {
        rows.clear();
        Set<TopicPartition> assigned = consumer.assignment();
        consumer.pause(assigned);
        unpositioned.addAll(assigned);
    }

    private void retryLater(Exception e) {
        if (state != State.RETRYING) {
            LOG.warn("postgres sink of job {}: cannot write to {} ({}); retrying with backoff, the job's Kafka output"
                    + " continues", job, table, e.getMessage());
        }
        state = State.RETRYING;
        error = e.getMessage();
        restartFromDatabase();
        long until = System.currentTimeMillis() + backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        // polling the paused consumer keeps this sink in its group while it waits
        while (System.currentTimeMillis() < Math.min(until, drainUntil)) {
            try {
                consumer.poll(Duration.ofMillis(Math.min(100, Math.max(1, until - System.currentTimeMillis()))));
                refreshLag(System.currentTimeMillis());
            } catch (KafkaException wake) {
                LOG.debug("postgres sink of job {}: poll while waiting: {}", job, wake.getMessage());
            }
        }
    }

    /** Records the output topic holds (up to its last stable offset) that the table does not yet reflect. */
    private void refreshLag(long now) {
        if (now - lagRefreshedMillis < LAG_REFRESH_MS) {
            return;
        }
        lagRefreshedMillis = now;
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            lag = 0;
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(2));
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            total += Math.max(0, e.getValue() - applied.getOrDefault(e.getKey(), 0L));
        }
        lag = total;
    }

    /**
     * Stops after applying what the sink topic holds (the job's last batches), for at most
     * {@link #DRAIN_MS}: stop the job first, then its sink, and the table ends at the topic's end.
     */
    public void stop() {
        drainUntil = System.currentTimeMillis() + DRAIN_MS;
        stopping = true;
    }

    private boolean drained() {
        if (System.currentTimeMillis() >= drainUntil || state == State.RETRYING || state == State.FAILED) {
            return true; // an unreachable database is not waited for: the next start resumes from its offsets
        }
        if (!unpositioned.isEmpty() || state != State.RUNNING) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(2));
        return ends.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** Output records not yet in the table, as of the last refresh (about once a second). */
    public long lagRecords() {
        return lag;
    }

    public long rowsApplied() {
        return rowsApplied;
    }

    /** What /jobs shows: never the URL's or the configuration's secrets. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", table);
        m.put("state", state.name());
        m.put("lagRecords", lag);
        m.put("rowsApplied", rowsApplied);
        m.put("lastCommitMillis", lastCommitMillis);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** Runs inside poll(): records what moved; the loop positions new partitions before using them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Write what was read while these were still ours; the fence makes a late write harmless anyway.
            flushQuietly();
            partitions.forEach(applied::remove);
            unpositioned.removeAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            rows.clear();
            partitions.forEach(applied::remove);
            unpositioned.removeAll(partitions);
            restartFromDatabase();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.pause(partitions);
            unpositioned.addAll(partitions);
        }
    }
}
