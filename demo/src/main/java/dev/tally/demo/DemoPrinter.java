package dev.tally.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.connectors.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the word-count output with read_committed and prints each window's counts, busiest words first. */
final class DemoPrinter implements Runnable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String bootstrap;
    private final String topic;
    private final PrintStream out;
    private volatile boolean stopping;

    DemoPrinter(String bootstrap, String topic, PrintStream out) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.out = out;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        KafkaClientSettings settings = new KafkaClientSettings(Map.of("bootstrap.servers", bootstrap));
        TreeMap<Long, TreeMap<String, Long>> pending = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.restoreConsumer("tally-demo-printer"))) {
            List<org.apache.kafka.common.TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && !stopping) {
                // The job creates its sink topic when it starts; wait for it.
                partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
                sleepQuietly(200);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    JsonNode w = read(r.value());
                    pending.computeIfAbsent(w.get("start").asLong(), s -> new TreeMap<>())
                            .put(w.get("key").asText(), w.get("count").asLong());
                }
                if (records.isEmpty() && !pending.isEmpty()) {
                    pending.forEach(this::print);
                    pending.clear();
                }
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(long start, TreeMap<String, Long> counts) {
        List<Map.Entry<String, Long>> top = new ArrayList<>(counts.entrySet());
        top.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < Math.min(10, top.size()); i++) {
            line.append(i == 0 ? "" : ", ").append(top.get(i).getKey()).append('=').append(top.get(i).getValue());
        }
        out.printf("window %s-%s  %d words, %d distinct: %s%n", HMS.format(Instant.ofEpochMilli(start)),
                HMS.format(Instant.ofEpochMilli(start + DemoCommand.window().toMillis())), total, counts.size(), line);
        out.flush();
    }

    private static JsonNode read(byte[] value) {
        try {
            return MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("the word-count output is not JSON", e);
        }
    }
}
