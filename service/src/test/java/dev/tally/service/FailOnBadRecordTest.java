package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfigLoader;
import dev.tally.service.job.JobStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** errors: fail stops the job at the bad record, with everything before it committed and nothing after. */
class FailOnBadRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldCommitEverythingBeforeTheBadRecordWhenErrorsIsFail() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "fail-in-" + id;
        String job = "fail-" + id;
        kafka.createTopic(input, 1, Map.of("retention.ms", "-1"));
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 25; i++) {
                String value = i == 10 ? "{\"user\": \"u1\", \"ts\": " : "{\"user\":\"u" + (i % 2) + "\",\"ts\":" + (1000 + i) + "}";
                producer.send(new ProducerRecord<>(input, null, value));
            }
        }
        String yaml = """
                kafka: { bootstrap.servers: "%s" }
                state: { dir: "%s" }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: user
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    emit: changes
                    errors: fail
                    batch: { interval: 200ms }
                    sink: { topic: %s-out }
                """.formatted(kafka.bootstrapServers(), dir, job, input, job);
        try (TallyService service = new TallyService(TallyConfigLoader.parse(yaml, "fail.yaml", Map.of()), new SimpleMeterRegistry())) {
            service.start();
            service.awaitTermination();
            JobStatus status = service.statuses().get(0);
            assertEquals(JobStatus.State.FAILED, status.state());
            assertTrue(status.error().contains(input + "-0@10") && status.error().contains("UNDECODABLE"), status.error());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("tally-" + job)
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(10, committed.get(new TopicPartition(input, 0)).offset(), "the bad record itself is not consumed");
        }
        Map<String, Long> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(kafka, job + "-out")) {
            JsonNode w = JSON.readTree(r.value());
            last.put(w.get("key").asText(), w.get("n").asLong());
        }
        assertEquals(Map.of("u0", 5L, "u1", 5L), last, "exactly the ten records before the bad one are counted");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(EmbeddedKafka kafka, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
