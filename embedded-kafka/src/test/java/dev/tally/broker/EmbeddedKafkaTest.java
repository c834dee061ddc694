package dev.tally.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void shouldServeRecordsWhenSharedBrokerStarts() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
        assertEquals(kafka, EmbeddedKafka.shared());

        kafka.createTopic("plain", 3, Map.of("retention.ms", "3600000"));
        TestClients.send(kafka.bootstrapServers(), "plain", List.of("a", "b", "c"));

        List<String> read = TestClients.readAll(kafka.bootstrapServers(), "plain", "read_uncommitted");
        assertEquals(List.of("a", "b", "c"), read.stream().sorted().toList());
    }

    @Test
    void shouldHideAbortedRecordsWhenConsumerReadsCommitted() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.createTopic("txn", 1, Map.of());
        try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", "k", "committed-1"));
            producer.send(new ProducerRecord<>("txn", "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", "k", "committed-3"));
            producer.commitTransaction();
        }

        assertEquals(List.of("committed-1", "committed-2", "committed-3"),
                TestClients.readAll(kafka.bootstrapServers(), "txn", "read_committed"));
        // The aborted record really reached the log; only the isolation level hides it.
        assertEquals(List.of("committed-1", "committed-2", "aborted", "committed-3"),
                TestClients.readAll(kafka.bootstrapServers(), "txn", "read_uncommitted"));
    }

    /**
     * KAFKA-15591 on brokers before 4.5: a burst from an idempotent producer right after the topic's
     * leaders appear in metadata could lose a partition's first batch (NOT_LEADER_OR_FOLLOWER for it,
     * the next batch appended, then OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms). With a
     * wait for metadata leaders only, 11 of 20 such rounds lost records; createTopic now waits until
     * every partition's leader log answers.
     */
    @Test
    void shouldAcceptEveryRecordOfAnIdempotentBurstWhenCreateTopicHasReturned() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        for (int round = 0; round < 10; round++) {
            String topic = "burst-" + round;
            kafka.createTopic(topic, 6, Map.of());
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(), Map.of(
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000))) {
                for (int p = 0; p < 6; p++) {
                    // Partitions one after the other, from the fourth on more than one 16 KB batch each.
                    for (int i = 0; i < 150 + 60 * p; i++) {
                        sent.add(producer.send(new ProducerRecord<>(topic, p, "u" + i,
                                "{\"user\":\"u" + i + "\",\"page\":\"/checkout\",\"ts\":1700000012345}")));
                    }
                }
                producer.flush();
            }
            int lost = 0;
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    lost++;
                }
            }
            assertEquals(0, lost, "records of round " + round + " lost");
            assertEquals(sent.size(), TestClients.readAll(kafka.bootstrapServers(), topic, "read_uncommitted").size());
        }
    }

    @Test
    void shouldAcceptShortSessionTimeoutWhenClassicGroupJoins() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.createTopic("grouped", 2, Map.of());
        TestClients.send(kafka.bootstrapServers(), "grouped", List.of("x", "y"));

        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "short-session",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 1000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of("grouped"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.add(r.value());
                }
            }
        }
        assertEquals(List.of("x", "y"), seen.stream().sorted().toList());
    }

    @Test
    void shouldKeepDataAndPortWhenBrokerRestarts(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, Map.of("log.retention.ms", "7200000"))) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("durable", 2, Map.of());
            TestClients.send(bootstrap, "durable", List.of("before-1", "before-2"));
            assertEquals("7200000", brokerConfig(bootstrap).get("log.retention.ms").value());

            kafka.stop();
            assertThrows(ExecutionException.class, () -> describeCluster(bootstrap));
            kafka.restart();

            assertEquals(bootstrap, kafka.bootstrapServers());
            TestClients.send(bootstrap, "durable", List.of("after"));
            assertEquals(List.of("after", "before-1", "before-2"),
                    TestClients.readAll(bootstrap, "durable", "read_committed").stream().sorted().toList());
        }
    }

    @Test
    void shouldReuseDataWhenStartedAgainOnSameDir(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0, Map.of())) {
            first.createTopic("kept", 1, Map.of());
            TestClients.send(first.bootstrapServers(), "kept", List.of("one"));
        }
        try (EmbeddedKafka second = EmbeddedKafka.start(dir, 0, Map.of())) {
            second.createTopic("kept", 1, Map.of());
            assertEquals(List.of("one"), TestClients.readAll(second.bootstrapServers(), "kept", "read_committed"));
            assertThrows(IllegalStateException.class, () -> second.createTopic("kept", 4, Map.of()));
        }
    }

    private static Config brokerConfig(String bootstrap) throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeConfigs(List.of(broker)).all().get().get(broker);
        }
    }

    private static void describeCluster(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500)).clusterId().get();
        }
    }
}
