package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.BrokerProcess;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures that heal: a source topic that does not exist yet, and a broker that is down for longer
 * than the clients' max.block.ms while a job recovers, make the job not-ready with a reason, never
 * FAILED; once the topic or the broker is there, the job runs and its output is exact.
 */
class HealingFailuresTest {
    private static final int PARTITIONS = 3;
    private static final long BASE = 1_700_000_000_000L;
    private static final long WINDOW = 60_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldWaitNotReadyAndThenCountExactlyWhenTheSourceTopicAppearsLate() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "late-topic-in-" + id;
        String job = "late-topic-" + id;
        Map<String, Long> expected = new HashMap<>();
        try (TallyService service = new TallyService(config(kafka.bootstrapServers(), job, input, dir.resolve("state")),
                new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            service.start();
            await("the job says why it waits", () -> String.valueOf(service.statuses().get(0).error()).contains(input), 30);
            Thread.sleep(2_000);
            assertFalse(service.anyFailed(), () -> "a missing topic is a wait: " + service.statuses().get(0).error());
            assertFalse(service.isReady(), "not ready while the source topic is missing");
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get();
            await("the job ready once its topic exists", service::isReady, 60);
            produce(kafka.bootstrapServers(), input, 0, 3_000, expected);
            await("all input processed", () -> caughtUp(admin, "tally-" + job, input), 60);
        }
        assertEquals(expected, lastValues(kafka.bootstrapServers(), job + "-out"));
    }

    @Test
    void shouldBeNotReadyThenReadyWithExactOutputWhenTheBrokerIsDownLongerThanMaxBlockDuringRecovery() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "outage-in-" + id;
        String job = "outage-" + id;
        Path state = dir.resolve("state");
        Map<String, Long> expected = new HashMap<>();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get();
            TallyConfig config = config(broker.bootstrapServers(), job, input, state);
            try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
                service.start();
                await("the job ready", service::isReady, 60);
                produce(broker.bootstrapServers(), input, 0, 4_000, expected);
                await("the first input processed", () -> caughtUp(admin, "tally-" + job, input), 60);
            }
            // A restart on a wiped state directory must rebuild every task from the changelog: recovery.
            deleteRecursively(state);
            broker.stop();
            try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
                service.start();
                Thread.sleep(9_000);
                assertFalse(service.anyFailed(), () -> "an unreachable broker is a wait: " + service.statuses().get(0).error());
                assertFalse(service.isReady(), "not ready while the broker is down");
                broker.restart();
                await("ready once the broker is back", service::isReady, 120);
                produce(broker.bootstrapServers(), input, 4_000, 2_000, expected);
                await("the rest of the input processed", () -> caughtUp(admin, "tally-" + job, input), 90);
                assertFalse(service.anyFailed());
            }
            assertEquals(expected, lastValues(broker.bootstrapServers(), job + "-out"));
        }
    }

    private static TallyConfig config(String bootstrap, String job, String input, Path state) throws Exception {
        String yaml = """
                kafka:
                  bootstrap.servers: "%s"
                  max.block.ms: 3000
                  default.api.timeout.ms: 4000
                  request.timeout.ms: 3000
                  reconnect.backoff.max.ms: 1000
                state: { dir: "%s", instance-id: heal-a }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    emit: changes
                    batch: { interval: 200ms, max-records: 2000 }
                    sink: { topic: %s-out }
                """.formatted(bootstrap, state, job, input, job);
        return TallyConfigLoader.parse(yaml, "heal.yaml", Map.of());
    }

    private static void produce(String bootstrap, String topic, int from, int n, Map<String, Long> expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + n; i++) {
                String user = "u" + (i * 7 % 100);
                long ts = BASE + i * 60L;
                producer.send(new ProducerRecord<>(topic, user, "{\"ts\":" + ts + "}"));
                expected.merge(user + "@" + (ts - Math.floorMod(ts, WINDOW)), 1L, Long::sum);
            }
        }
    }

    private static boolean caughtUp(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            IntStream.range(0, PARTITIONS).forEach(i -> specs.put(new TopicPartition(topic, i), OffsetSpec.latest()));
            var ends = admin.listOffsets(specs).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue().offset());
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, Long> lastValues(String bootstrap, String topic) throws Exception {
        Map<String, Long> last = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> tps = IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(topic, i)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "the sink topic could not be read to its end");
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode v = MAPPER.readTree(r.value());
                    last.put(r.key() + "@" + v.get("start").asLong(), v.get("n").asLong());
                }
            }
        }
        return last;
    }

    private static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(100);
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
