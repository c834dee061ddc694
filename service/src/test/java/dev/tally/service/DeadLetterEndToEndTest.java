package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.golden.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1% of the input is bad (one record in a hundred: undecodable, without key, without or with a bad
 * time, failing the filter, or late): the dead-letter topic holds exactly those records, once each,
 * with their reason and source coordinates, and the windows equal those computed here from the
 * good records alone.
 */
class DeadLetterEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RECORDS = 5_000;
    private static final int PARTITIONS = 3;
    private static final int KEYS = 10;
    private static final long BASE = 1_000_000;
    private static final String[] REASONS = {"UNDECODABLE", "MISSING_KEY", "MISSING_TIME", "BAD_TIME", "EXPRESSION_FAILED", "LATE"};

    @TempDir
    Path state;

    /** One input record and what it must become. */
    private record Input(String key, int partition, String value, String reason, long time, long v) {
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldDeadLetterExactlyTheBadRecordsWhenOnePercentIsMalformedOrLate() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String name = "dlq-e2e-" + ProcessHandle.current().pid();
        String source = name + "-in";
        kafka.createTopic(source, PARTITIONS, Map.of("retention.ms", "-1"));
        List<Input> inputs = inputs();
        Map<String, Input> byOffset = produce(kafka, source, inputs);

        TallyConfig config = TallyConfigLoader.parse("""
                kafka: { bootstrap.servers: "%s" }
                state: { dir: "%s", instance-id: %s }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    transform:
                      - filter: "v >= 0"
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1s }
                    aggregates:
                      n: count
                      total: { sum: v }
                    emit: changes
                    batch: { interval: 200ms }
                    sink: { topic: %s-out }
                    dead-letter: { topic: %s-dlq }
                """.formatted(kafka.bootstrapServers(), state, name, name, source, name, name), "test", Map.of());
        try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
            service.start();
            awaitCommitted(kafka, "tally-" + name, source, inputs, service);
        }

        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Topics.readCommitted(kafka.bootstrapServers(), name + "-dlq")) {
            String where = header(r, "tally.source.partition") + "@" + header(r, "tally.source.offset");
            Input in = byOffset.get(where);
            assertTrue(in != null && in.reason() != null, "dead letter for a good record: " + where);
            assertEquals(in.reason(), header(r, "tally.error.reason"), where);
            assertEquals(source, header(r, "tally.source.topic"), where);
            assertEquals(name, header(r, "tally.job"), where);
            assertFalse(header(r, "tally.error.message").isBlank(), where);
            assertEquals(in.value(), new String(r.value(), StandardCharsets.UTF_8), where);
            assertTrue(Arrays.equals(in.key() == null ? null : in.key().getBytes(StandardCharsets.UTF_8), r.key()), where);
            seen.merge(where, 1, Integer::sum);
        }
        long bad = inputs.stream().filter(i -> i.reason() != null).count();
        assertEquals(RECORDS / 100, bad);
        assertEquals(bad, seen.size(), "every bad record is dead-lettered");
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each exactly once: " + seen);
        assertEquals(expectedWindows(inputs), windows(kafka, name + "-out"));
    }

    /**
     * Record i has key k(i % 10), partition key % 3, time BASE + 20 i, v = i % 7. Every hundredth is
     * bad, the reasons taking turns; a late one is 3 s older than its neighbours, so its window closed
     * in its partition long before (every partition sees a record at least every 60 ms).
     */
    private static List<Input> inputs() {
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int k = i % KEYS;
            String key = "k" + k;
            long ts = BASE + 20L * i;
            long v = i % 7;
            String reason = i % 100 == 37 ? REASONS[(i / 100) % REASONS.length] : null;
            String value = switch (reason == null ? "" : reason) {
                case "UNDECODABLE" -> "{\"ts\": " + ts + ", \"v\": ";
                case "MISSING_TIME" -> "{\"v\":" + v + "}";
                case "BAD_TIME" -> "{\"ts\":\"noon\",\"v\":" + v + "}";
                case "EXPRESSION_FAILED" -> "{\"ts\":" + ts + "}";
                case "LATE" -> "{\"ts\":" + (ts - 3_000) + ",\"v\":" + v + "}";
                default -> "{\"ts\":" + ts + ",\"v\":" + v + "}";
            };
            inputs.add(new Input("MISSING_KEY".equals(reason) ? null : key, k % PARTITIONS, value, reason, ts, v));
        }
        return inputs;
    }

    /** Produces in order; returns each record by "partition@offset". */
    private static Map<String, Input> produce(EmbeddedKafka kafka, String topic, List<Input> inputs) throws Exception {
        Map<String, Input> byOffset = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Input in : inputs) {
                sent.add(p.send(new ProducerRecord<>(topic, in.partition(),
                        in.key() == null ? null : in.key().getBytes(StandardCharsets.UTF_8), in.value().getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < inputs.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                byOffset.put(m.partition() + "@" + m.offset(), inputs.get(i));
            }
        }
        return byOffset;
    }

    private static void awaitCommitted(EmbeddedKafka kafka, String group, String topic, List<Input> inputs, TallyService service)
            throws Exception {
        long[] ends = new long[PARTITIONS];
        inputs.forEach(in -> ends[in.partition()]++);
        long deadline = System.currentTimeMillis() + 90_000;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            while (true) {
                assertFalse(service.anyFailed(), "the job failed");
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean done = true;
                for (int p = 0; p < PARTITIONS; p++) {
                    OffsetAndMetadata o = committed.get(new TopicPartition(topic, p));
                    done &= o != null && o.offset() >= ends[p];
                }
                if (done) {
                    return;
                }
                assertTrue(System.currentTimeMillis() < deadline, "the job did not consume its input in time");
                Thread.sleep(200);
            }
        }
    }

    /** Count and sum per (key, 1 s window) of the good records. */
    private static Map<String, String> expectedWindows(List<Input> inputs) {
        Map<String, long[]> acc = new TreeMap<>();
        for (Input in : inputs) {
            if (in.reason() == null) {
                long start = Math.floorDiv(in.time(), 1000) * 1000;
                long[] a = acc.computeIfAbsent(in.key() + "@" + start, k -> new long[2]);
                a[0]++;
                a[1] += in.v();
            }
        }
        Map<String, String> out = new TreeMap<>();
        acc.forEach((w, a) -> out.put(w, a[0] + "/" + a[1]));
        return out;
    }

    /** The sink topic's last value per (key, window) as "count/sum". */
    private static Map<String, String> windows(EmbeddedKafka kafka, String topic) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Topics.readCommitted(kafka.bootstrapServers(), topic)) {
            JsonNode v = MAPPER.readTree(r.value());
            out.put(v.get("key").asText() + "@" + v.get("start").asLong(), v.get("n").asLong() + "/" + v.get("total").asLong());
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
