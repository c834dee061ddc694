package dev.tally.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * What the run must show: the jobs caught up with their input, every output and dead-letter
 * partition readable with read_committed up to a sentinel written after everything else (no
 * transaction left hanging), and what was read equal to the oracle.
 */
final class Verifier implements AutoCloseable {
    static final Duration SENTINEL_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChaosSettings settings;
    private final String bootstrap;
    private final Admin admin;

    Verifier(ChaosSettings settings, String bootstrap) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** True once every job's group committed offsets at the end of its input and repartition topics. */
    boolean caughtUp() throws InterruptedException {
        try {
            for (ChaosSettings.JobSpec job : settings.jobs()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(job.groupId()).partitionsToOffsetAndMetadata().get();
                List<String> topics = job.recordKey() ? List.of(settings.inputTopic())
                        : List.of(settings.inputTopic(), job.repartitionTopic());
                for (String topic : topics) {
                    Map<TopicPartition, Long> ends = ends(topic);
                    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                        OffsetAndMetadata c = committed.get(e.getKey());
                        long at = c == null ? 0 : c.offset();
                        if (at < e.getValue()) {
                            return false;
                        }
                    }
                }
            }
            return true;
        } catch (ExecutionException e) {
            // Broker just restarted or the group is rebalancing: not caught up yet.
            return false;
        }
    }

    /** Last stable offsets: a transaction still open on a partition does not count as data to catch up with. */
    private Map<TopicPartition, Long> ends(String topic) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < settings.partitions(); p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** One record per input partition far in event time, keyed so each repartition task gets one too. */
    void flush(long flushTime) {
        try (KafkaProducer<byte[], byte[]> p = Feeder.producer(bootstrap, Map.of())) {
            for (int partition = 0; partition < settings.partitions(); partition++) {
                String key = Workload.flushKey(partition, settings.partitions());
                p.send(new ProducerRecord<>(settings.inputTopic(), partition,
                        key.getBytes(StandardCharsets.UTF_8), Workload.flushValue(key, flushTime)));
            }
            p.flush();
        }
    }

    /**
     * Writes a sentinel in one transaction to every partition of the topics, then reads each
     * partition with read_committed up to its sentinel. Returns what was read before the
     * sentinels, per topic; partitions whose sentinel did not show in time are added to {@code hanging}.
     */
    Map<String, List<ConsumerRecord<byte[], byte[]>>> readToSentinels(List<String> topics, List<String> hanging) {
        List<TopicPartition> all = new ArrayList<>();
        for (String t : topics) {
            for (int p = 0; p < settings.partitions(); p++) {
                all.add(new TopicPartition(t, p));
            }
        }
        try (KafkaProducer<byte[], byte[]> p = Feeder.producer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.tag() + "-sentinel"))) {
            p.initTransactions();
            p.beginTransaction();
            for (TopicPartition tp : all) {
                p.send(new ProducerRecord<>(tp.topic(), tp.partition(), Workload.SENTINEL_KEY.getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8)));
            }
            p.commitTransaction();
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
        topics.forEach(t -> read.put(t, new ArrayList<>()));
        Set<TopicPartition> waiting = new HashSet<>(all);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            c.assign(all);
            c.seekToBeginning(all);
            long deadline = System.nanoTime() + SENTINEL_TIMEOUT.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (!waiting.contains(tp)) {
                        continue;
                    }
                    if (Workload.SENTINEL_KEY.equals(key(r))) {
                        waiting.remove(tp);
                    } else {
                        read.get(r.topic()).add(r);
                    }
                }
            }
        }
        waiting.forEach(tp -> hanging.add(tp.toString()));
        return read;
    }

    /**
     * Reads the whole input back and counts records that are not there exactly once (by sequence
     * number; malformed records by their count): a duplicated or lost input record would make the
     * comparison blame Tally for the feeder's fault.
     */
    long inputProblems(List<String> problems, Path dump) {
        List<ConsumerRecord<byte[], byte[]>> input = readAll(settings.inputTopic(), "read_uncommitted");
        Map<Long, Integer> seen = new HashMap<>();
        long unparsed = 0;
        for (ConsumerRecord<byte[], byte[]> r : input) {
            JsonNode v;
            try {
                v = JSON.readTree(r.value());
            } catch (IOException e) {
                unparsed++;
                continue;
            }
            if (!Workload.isHarnessKey(v.path("user").asText())) {
                seen.merge(v.path("seq").asLong(), 1, Integer::sum);
            }
        }
        long bad = seen.values().stream().filter(n -> n != 1).count();
        long expectedMalformed = settings.malformedEvery() == 0 ? 0 : settings.records() / settings.malformedEvery();
        long expectedGood = settings.records() - expectedMalformed;
        if (bad > 0 || seen.size() != expectedGood || unparsed != expectedMalformed) {
            problems.add("input: " + seen.size() + " distinct records, " + bad + " not exactly once, " + unparsed
                    + " malformed; expected " + expectedGood + " and " + expectedMalformed);
            dump(dump, input);
            return Math.max(1, bad);
        }
        return 0;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < settings.partitions(); p++) {
                all.add(new TopicPartition(topic, p));
            }
            c.assign(all);
            c.seekToBeginning(all);
            Map<TopicPartition, Long> ends = c.endOffsets(all);
            long deadline = System.nanoTime() + SENTINEL_TIMEOUT.toNanos();
            while (all.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** Keeps the records of a failed run for a post-mortem: one line per record. */
    static void dump(Path file, List<ConsumerRecord<byte[], byte[]>> records) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                StringBuilder line = new StringBuilder().append(r.partition()).append(' ').append(r.offset()).append(' ')
                        .append(String.format("%tT.%<tL", r.timestamp())).append(' ').append(key(r)).append(' ')
                        .append(r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
                for (Header h : r.headers()) {
                    line.append(' ').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
                }
                w.write(line.append('\n').toString());
            }
        } catch (IOException e) {
            System.err.println("chaos: cannot write " + file + ": " + e);
        }
    }

    /** Compares a job's output with its oracle; adds a line per wrong (key, window) to {@code mismatches}. */
    static void compare(Oracle oracle, List<ConsumerRecord<byte[], byte[]>> output, List<String> mismatches) {
        ChaosSettings.JobSpec job = oracle.job();
        Map<Oracle.WindowKey, long[]> last = new HashMap<>();
        Map<Oracle.WindowKey, Integer> emitted = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : output) {
            JsonNode v = parse(r.value());
            String key = v.path("key").asText();
            if (Workload.isHarnessKey(key)) {
                continue;
            }
            Oracle.WindowKey w = new Oracle.WindowKey(key, v.path("start").asLong());
            double sum = v.path("seq_sum").asDouble();
            if (sum != Math.rint(sum) || v.path("end").asLong() != w.start() + job.sizeMs()) {
                mismatches.add(job.name() + " " + w + ": malformed result " + v);
            }
            last.put(w, new long[]{v.path("n").asLong(), (long) sum});
            emitted.merge(w, 1, Integer::sum);
        }
        for (Map.Entry<Oracle.WindowKey, long[]> e : oracle.expected().entrySet()) {
            long[] got = last.get(e.getKey());
            if (got == null) {
                mismatches.add(job.name() + " " + e.getKey() + ": missing, expected n=" + e.getValue()[0]);
            } else if (got[0] != e.getValue()[0] || got[1] != e.getValue()[1]) {
                mismatches.add(job.name() + " " + e.getKey() + ": n=" + got[0] + " seq_sum=" + got[1]
                        + ", expected n=" + e.getValue()[0] + " seq_sum=" + e.getValue()[1]);
            } else if (job.emitFinal() && emitted.get(e.getKey()) != 1) {
                mismatches.add(job.name() + " " + e.getKey() + ": final result emitted " + emitted.get(e.getKey()) + " times");
            }
        }
        for (Oracle.WindowKey w : last.keySet()) {
            if (!oracle.expected().containsKey(w)) {
                mismatches.add(job.name() + " " + w + ": not in the input, got n=" + last.get(w)[0]);
            }
        }
    }

    /**
     * Checks a dead-letter topic against the malformed input: each exactly once, nothing else.
     * Returns {duplicates, missing, unexpected}.
     */
    static long[] checkDeadLetters(List<ConsumerRecord<byte[], byte[]>> dlq, Set<String> malformed, List<String> problems,
                                   String job) {
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            String source = header(r, "tally.source.topic") + "/" + header(r, "tally.source.partition") + "/"
                    + header(r, "tally.source.offset");
            seen.merge(source, 1, Integer::sum);
        }
        long duplicates = 0;
        long unexpected = 0;
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            if (e.getValue() > 1) {
                duplicates += e.getValue() - 1;
                problems.add(job + " dead letter " + e.getKey() + " written " + e.getValue() + " times");
            }
            if (!malformed.contains(e.getKey())) {
                unexpected++;
                problems.add(job + " dead letter " + e.getKey() + " was not a malformed input record");
            }
        }
        long missing = malformed.stream().filter(m -> !seen.containsKey(m)).count();
        if (missing > 0) {
            problems.add(job + ": " + missing + " malformed records never reached the dead-letter topic");
        }
        return new long[]{duplicates, missing, unexpected};
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("output value is not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
