package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.connectors.SocketIngester;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue #2: {@code tally ingest} plays Spark's socketTextStream. A server socket stands in for
 * {@code nc -lk}; every line it sends must arrive in the topic, exactly and in order, also after
 * the server dropped the connection and the ingester reconnected.
 */
class SocketIngestTest {

    @Test
    void shouldWriteEveryLineToTheTopicWhenAServerSendsLinesAndReconnects() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "socket-ingest-lines";
        kafka.createTopic(topic, 1, Map.of());
        List<String> first = List.of("the quick brown fox", "jumps over", "  the lazy dog  ", "naïve café, 東京 — ünïcödé",
                "x".repeat(5_000));
        List<String> second = List.of("after reconnecting", "still one record per line");

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            KafkaClientSettings settings = new KafkaClientSettings(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            SocketIngester ingester = new SocketIngester("127.0.0.1", server.getLocalPort(), topic,
                    settings.plainProducer("socket-ingest-test"));
            Thread thread = new Thread(ingester, "socket-ingester");
            thread.start();
            try {
                send(server, first);
                // The ingester sees the connection end and connects again, as it would after `nc` restarted.
                send(server, second);
                List<String> expected = new ArrayList<>(first);
                expected.addAll(second);

                assertEquals(expected, read(kafka, topic, expected.size()));
            } finally {
                ingester.stop();
                thread.join(10_000);
            }
            assertFalse(thread.isAlive(), "the ingester stops");
        }
    }

    /** Accepts one connection, writes the lines and closes it. */
    private static void send(ServerSocket server, List<String> lines) throws Exception {
        try (Socket client = server.accept();
             Writer w = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    private static List<String> read(EmbeddedKafka kafka, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            // Anything beyond the expected lines (a duplicate) would show in the comparison too.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }
}
