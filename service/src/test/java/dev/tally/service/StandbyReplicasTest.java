package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static dev.tally.service.GroupProgress.await;
import static dev.tally.service.GroupProgress.caughtUp;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** standby-replicas: a task failing over to the instance that kept it warm replays only its changelog's tail. */
class StandbyReplicasTest {

    @TempDir
    Path dir;

    @Test
    void shouldReplayOnlyTheTailWhenATaskFailsOverToItsStandby() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "standby-in-" + id;
        String job = "standby-" + id;
        kafka.createTopic(input, 2, Map.of("retention.ms", "-1"));
        TallyService a = new TallyService(config(kafka, job, input, "a"), new SimpleMeterRegistry());
        TallyService b = new TallyService(config(kafka, job, input, "b"), new SimpleMeterRegistry());
        try {
            a.start();
            b.start();
            await("both instances ready", () -> a.isReady() && b.isReady(), 60);
            produce(kafka, input, 20_000);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                await("all input processed", () -> caughtUp(admin, "tally-" + job, input, 2), 120);
                Thread.sleep(8_000); // a standby refresh (5 s) and its catch-up
                long restoredBefore = b.statuses().get(0).restoredRecords();
                a.close();
                await("b owns both tasks", () -> b.isReady()
                        && b.statuses().get(0).toMap().get("assignedPartitions").toString().contains(input + "-0")
                        && b.statuses().get(0).toMap().get("assignedPartitions").toString().contains(input + "-1"), 90);
                long replayed = b.statuses().get(0).restoredRecords() - restoredBefore;
                long changelog = changelogSize(admin, "tally-" + job + "-changelog");
                assertTrue(changelog > 200, "the changelog should hold real state, has " + changelog);
                assertTrue(replayed * 10 < changelog,
                        "failover replayed " + replayed + " of " + changelog + " changelog records: the standby was not warm");
            }
        } finally {
            a.close();
            b.close();
        }
    }

    private TallyConfig config(EmbeddedKafka kafka, String job, String input, String instance) throws Exception {
        String yaml = """
                kafka:
                  bootstrap.servers: "%s"
                  session.timeout.ms: "6000"
                state: { dir: "%s", instance-id: %s }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    emit: changes
                    batch: { interval: 200ms, max-records: 500 }
                    sink: { topic: %s-out }
                    standby-replicas: 1
                """.formatted(kafka.bootstrapServers(), dir.resolve(instance), instance, job, input, job);
        return TallyConfigLoader.parse(yaml, "standby.yaml", Map.of());
    }

    private static void produce(EmbeddedKafka kafka, String topic, int n) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                // 10 ms apart and in waves: many batches, each ending with its panes' windows still
                // open, so every batch writes live state to the changelog (a pane whose windows all
                // closed within its batch is never written)
                producer.send(new ProducerRecord<>(topic, "u" + (i % 200), "{\"ts\":" + (1_700_000_000_000L + i * 10L) + "}"));
                if (i % 1_000 == 999) {
                    producer.flush();
                    sleep(300);
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    private static long changelogSize(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).min().orElse(0);
    }
}
