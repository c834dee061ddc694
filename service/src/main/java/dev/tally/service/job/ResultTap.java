package dev.tally.service.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfig;
import dev.tally.connectors.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the dashboard shows of the results: a read_committed reader of every job's sink and
 * dead-letter topics inside this process, so the page shows exactly what a downstream reader
 * sees, never uncommitted state. It runs only while a dashboard is open (started and stopped by
 * it), starts a few minutes back in time, and never reads faster than {@link #MAX_RECORDS_PER_SECOND}:
 * when the output runs ahead of that it jumps to the tail and says so ({@link #skipped()}), so a
 * busy job's output costs the dashboard a bounded share of a core.
 */
public final class ResultTap implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultTap.class);
    // Measured on W1 (1.3 output records per input, 1 M inputs, 2 cores), extra CPU of Tally's process
    // per million input records with a page open: ~5.6 s reading up to 20,000 a second, ~2 s at 2,000,
    // ~1.6 s at 1,000, ~0.5 s at 200, ~0.5 s (noise) with no tap at all. 300 a second keeps a busy
    // job's page a live sample and reads a quiet job's output (emit final) whole.
    static final int MAX_RECORDS_PER_SECOND = 300;
    /** A partition further behind than this (ten seconds of reading) jumps to its last {@link #TAIL_RECORDS}. */
    private static final long MAX_BEHIND = 10L * MAX_RECORDS_PER_SECOND;
    private static final long HISTORY_MS = Duration.ofMinutes(5).toMillis();
    private static final long TAIL_RECORDS = 1_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaClientSettings settings;
    private final Map<String, RecentWindows> byJob = new LinkedHashMap<>();
    private final Map<String, List<RecentWindows>> sinks = new HashMap<>();
    /** Dead-letter topic -> job -> its windows: jobs may share a dead-letter topic; the job header tells them apart. */
    private final Map<String, Map<String, RecentWindows>> deadLetterTopics = new HashMap<>();
    private Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private volatile long skipped;

    public ResultTap(TallyConfig config) {
        this.settings = new KafkaClientSettings(config.kafka());
        for (JobConfig job : config.jobs()) {
            RecentWindows w = new RecentWindows();
            byJob.put(job.name(), w);
            sinks.computeIfAbsent(job.sink().topic(), t -> new ArrayList<>()).add(w);
            deadLetterTopics.computeIfAbsent(job.deadLetterTopic(), t -> new HashMap<>()).put(job.name(), w);
        }
    }

    /** The job's recent windows (empty until the tap has read some), or null for an unknown job. */
    public RecentWindows of(String job) {
        return byJob.get(job);
    }

    /** Output records passed over to keep up with the tail. */
    public long skipped() {
        return skipped;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "tally-dashboard-results");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops reading; what was read stays for the next start. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        Properties p = settings.restoreConsumer("tally-dashboard-results");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(1024 * 1024));
        // Small fetches: what the tap skips past is then not fetched and decompressed for nothing.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(64 * 1024));
        // The tap must never create a job's topics with broker defaults before the job does.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            long nextAssign = 0;
            long windowStart = System.nanoTime();
            long readInWindow = 0;
            boolean warned = false;
            while (running) {
                if (System.currentTimeMillis() >= nextAssign) {
                    try {
                        assignNewPartitions(c);
                        skipToTail(c);
                        warned = false;
                    } catch (RetriableException e) {
                        // Broker unreachable: say so once, keep trying; the jobs report their own readiness.
                        if (!warned) {
                            log.warn("dashboard result tap: cannot reach Kafka ({}); retrying", e.getMessage());
                            warned = true;
                        }
                    }
                    nextAssign = System.currentTimeMillis() + 2_000;
                }
                if (c.assignment().isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                records.forEach(this::dispatch);
                readInWindow += records.count();
                long elapsed = System.nanoTime() - windowStart;
                if (elapsed >= 1_000_000_000L) {
                    windowStart = System.nanoTime();
                    readInWindow = 0;
                } else if (readInWindow >= MAX_RECORDS_PER_SECOND) {
                    Thread.sleep((1_000_000_000L - elapsed) / 1_000_000);
                }
            }
        } catch (WakeupException e) {
            log.debug("dashboard result tap stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The dashboard is a view: losing it must not touch the jobs; say so once and stop.
            log.warn("dashboard result tap stopped: {}", e.toString());
        } finally {
            consumer = null;
            running = false;
        }
    }

    /** Topics that exist now and are not yet read; each starts {@link #HISTORY_MS} back. */
    private void assignNewPartitions(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> fresh = new ArrayList<>();
        List<String> topics = new ArrayList<>(sinks.keySet());
        topics.addAll(deadLetterTopics.keySet());
        for (String topic : topics) {
            if (c.assignment().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                continue;
            }
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(2));
            if (infos != null) {
                infos.forEach(i -> fresh.add(new TopicPartition(i.topic(), i.partition())));
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(c.assignment());
        all.addAll(fresh);
        c.assign(all);
        Map<TopicPartition, Long> since = new HashMap<>();
        fresh.forEach(tp -> since.put(tp, System.currentTimeMillis() - HISTORY_MS));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(since, Duration.ofSeconds(5));
        Map<TopicPartition, Long> ends = c.endOffsets(fresh, Duration.ofSeconds(5));
        for (TopicPartition tp : fresh) {
            OffsetAndTimestamp o = found.get(tp);
            c.seek(tp, o != null ? o.offset() : ends.get(tp));
        }
    }

    /** A partition further behind than {@link #MAX_BEHIND} jumps to its last records. */
    private void skipToTail(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, Long> ends = c.endOffsets(c.assignment(), Duration.ofSeconds(5));
        ends.forEach((tp, end) -> {
            long behind = end - c.position(tp, Duration.ofSeconds(5));
            if (behind > MAX_BEHIND) {
                skipped += behind - TAIL_RECORDS;
                c.seek(tp, end - TAIL_RECORDS);
            }
        });
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        List<RecentWindows> sink = sinks.get(r.topic());
        if (sink != null && r.value() != null) {
            try {
                var value = MAPPER.readTree(r.value());
                sink.forEach(w -> w.add(value));
            } catch (IOException e) {
                log.debug("dashboard: output record {}-{}@{} is not JSON", r.topic(), r.partition(), r.offset());
            }
        }
        Map<String, RecentWindows> dlqJobs = deadLetterTopics.get(r.topic());
        RecentWindows dlq = dlqJobs == null ? null : dlqJobs.get(header(r, DeadLetters.JOB));
        if (dlq != null) {
            RecentWindows.DeadLetter d = new RecentWindows.DeadLetter(r.timestamp(), header(r, DeadLetters.REASON),
                    header(r, DeadLetters.MESSAGE), header(r, DeadLetters.TOPIC) + "-" + header(r, DeadLetters.PARTITION)
                    + "@" + header(r, DeadLetters.OFFSET));
            dlq.deadLetter(d);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
