package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads a job's output topic as a downstream reader would (read_committed) and keeps every window
 * record: the last value per (word, window), and how often each window was emitted.
 */
final class WindowOutput implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Map<WordCountFixture.Cell, Long> last = new HashMap<>();
    private final Map<WordCountFixture.Cell, Integer> emitted = new HashMap<>();
    private long records;

    WindowOutput(String bootstrap, String topic, int partitionCount) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        this.partitions = IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what is there now. */
    void poll() {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            add(r);
        }
    }

    /** Reads up to the last stable offset of every partition (nothing is still being written). */
    void readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read the output to its end " + ends);
            }
            poll();
        }
    }

    private void add(ConsumerRecord<String, String> r) {
        JsonNode v;
        try {
            v = MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException("output value is not JSON: " + r.value(), e);
        }
        String word = v.get("key").asText();
        long start = v.get("start").asLong();
        assertEquals(word, r.key(), "record key is the grouping key");
        assertEquals(start + WordCountFixture.SIZE_MS, v.get("end").asLong(), "end = start + size in " + r.value());
        WordCountFixture.Cell cell = new WordCountFixture.Cell(word, start);
        last.put(cell, v.get("count").asLong());
        emitted.merge(cell, 1, Integer::sum);
        records++;
    }

    /** Last value per window, without the windows of the flush words. */
    Map<WordCountFixture.Cell, Long> lastValues() {
        Map<WordCountFixture.Cell, Long> m = new HashMap<>();
        last.forEach((c, v) -> {
            if (!WordCountFixture.isFlushWord(c.word())) {
                m.put(c, v);
            }
        });
        return m;
    }

    /** Windows emitted more than once, with how often. */
    Map<WordCountFixture.Cell, Integer> duplicates() {
        Map<WordCountFixture.Cell, Integer> d = new TreeMap<>(
                java.util.Comparator.comparing(WordCountFixture.Cell::word).thenComparing(WordCountFixture.Cell::start));
        emitted.forEach((c, n) -> {
            if (n > 1) {
                d.put(c, n);
            }
        });
        return d;
    }

    long records() {
        return records;
    }

    /** A short, readable account of how {@code actual} differs from {@code expected}. */
    static String diff(Map<WordCountFixture.Cell, Long> expected, Map<WordCountFixture.Cell, Long> actual) {
        List<String> lines = new ArrayList<>();
        expected.forEach((c, n) -> {
            Long a = actual.get(c);
            if (!n.equals(a)) {
                lines.add(c + " expected " + n + " got " + a);
            }
        });
        actual.forEach((c, n) -> {
            if (!expected.containsKey(c)) {
                lines.add(c + " unexpected " + n);
            }
        });
        return lines.size() + " differences, first: " + lines.stream().sorted().limit(15).toList();
    }

    /** The records of a dead-letter topic, each as its reason and message headers, source position and value. */
    static List<String> deadLetters(String bootstrap, String topic, int partitionCount) {
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> tps = IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(topic, p)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    StringBuilder b = new StringBuilder();
                    r.headers().forEach(h -> b.append(h.key()).append('=')
                            .append(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)).append(' '));
                    found.add(b.append("value=").append(r.value()).toString());
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
