package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.tally.service.GroupProgress.await;
import static dev.tally.service.GroupProgress.caughtUp;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** threads: N runs a job as N members of its group in one process, sharing one local store. */
class ProcessingThreadsTest {
    private static final int PARTITIONS = 4;
    private static final long BASE = 1_700_000_000_000L;
    private static final long WINDOW = 60_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldSplitPartitionsOverThreadsAndCountEveryRecordOnceWhenAJobHasTwoThreads() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "threads-in-" + id;
        String job = "threads-" + id;
        kafka.createTopic(input, PARTITIONS, Map.of("retention.ms", "-1"));
        Map<String, Long> expected = new HashMap<>();
        try (TallyService service = new TallyService(config(kafka, job, input), new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            service.start();
            await("the job ready", service::isReady, 60);
            await("two members with two partitions each", () -> memberPartitions(admin, "tally-" + job).equals(List.of(2, 2)), 60);
            produce(kafka, input, 0, 20_000, expected);
            await("all input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 120);
            assertEquals(PARTITIONS, ((Collection<?>) service.statuses().get(0).toMap().get("assignedPartitions")).size());
        }
        assertEquals(expected, lastValues(kafka, job + "-out"));
    }

    /**
     * Tasks that another process owned come to two threads here while this process's standby
     * thread holds them warm: each thread must take them from the standby (TaskOwnership), or it
     * would wait for them for ever; a thread writing a task another thread holds fails the job.
     */
    @Test
    void shouldCountEveryRecordOnceWhenTasksOfAStandbyMoveToTwoThreadsOfOneProcess() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "threads-standby-in-" + id;
        String job = "threads-standby-" + id;
        kafka.createTopic(input, PARTITIONS, Map.of("retention.ms", "-1"));
        Map<String, Long> expected = new HashMap<>();
        try (TallyService a = new TallyService(config(kafka, job, input, "threads-a", 2, 1), new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            a.start();
            await("a ready", a::isReady, 60);
            try (TallyService b = new TallyService(config(kafka, job, input, "threads-b", 2, 1), new SimpleMeterRegistry())) {
                b.start();
                await("a and b ready, four members with one partition each",
                        () -> a.isReady() && b.isReady() && memberPartitions(admin, "tally-" + job).equals(List.of(1, 1, 1, 1)), 90);
                produce(kafka, input, 0, 10_000, expected);
                await("the first input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 120);
                Thread.sleep(7_000); // a standby refresh (5 s): a keeps b's tasks warm
            }
            await("a's two threads own every task", () -> a.isReady() && a.statuses().get(0).assignedPartitions().size() == PARTITIONS
                    && memberPartitions(admin, "tally-" + job).equals(List.of(2, 2)), 90);
            produce(kafka, input, 10_000, 5_000, expected);
            await("all input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 120);
            assertTrue(a.statuses().get(0).failures().isEmpty(), () -> "failed threads: " + a.statuses().get(0).failures());
        }
        assertEquals(expected, lastValues(kafka, job + "-out"));
    }

    private TallyConfig config(EmbeddedKafka kafka, String job, String input) throws Exception {
        return config(kafka, job, input, "threads-a", 2, 0);
    }

    private TallyConfig config(EmbeddedKafka kafka, String job, String input, String instance, int threads, int standbys)
            throws Exception {
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
                    threads: %d
                    batch: { interval: 200ms, max-records: 2000 }
                    sink: { topic: %s-out }
                    standby-replicas: %d
                """.formatted(kafka.bootstrapServers(), dir.resolve(instance), instance, job, input, threads, job, standbys);
        return TallyConfigLoader.parse(yaml, "threads.yaml", Map.of());
    }

    /** Partitions per member, sorted: the group's view of how the threads split the input. */
    private static List<Integer> memberPartitions(Admin admin, String group) {
        try {
            List<Integer> sizes = new ArrayList<>();
            for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
                sizes.add(m.assignment().topicPartitions().size());
            }
            return sizes.stream().sorted().toList();
        } catch (java.util.concurrent.ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Records over 200 users and 20 minutes of event time; the expected count per (user, window) kept beside. */
    private static void produce(EmbeddedKafka kafka, String topic, int from, int n, Map<String, Long> expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + n; i++) {
                String user = "u" + (i * 7 % 200);
                long ts = BASE + i * 60L;
                producer.send(new ProducerRecord<>(topic, user, "{\"ts\":" + ts + "}"));
                expected.merge(user + "@" + (ts - Math.floorMod(ts, WINDOW)), 1L, Long::sum);
            }
        }
    }

    /** The last committed count per (user, window start) on the sink topic, read as a downstream reader would. */
    private static Map<String, Long> lastValues(EmbeddedKafka kafka, String topic) throws Exception {
        Map<String, Long> last = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
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
}
