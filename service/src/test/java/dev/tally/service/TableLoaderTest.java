package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.HttpConfig;
import dev.tally.service.http.TallyHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table loader in the real service on a real broker: a job whose table topic does not exist
 * yet is not ready (and says why once), becomes ready once the table is there and loaded, follows
 * new table records between batches, and shows table size, lag, skipped records and dropped
 * lookups in its status, meters, {@code /jobs} and the table pull query.
 */
class TableLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shouldWaitNotReadyForAMissingTableTopicThenLoadFollowAndCountWhenItAppears() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String job = "table-loader";
        String views = job + "-views";
        String users = job + "-users";
        kafka.createTopic(views, 1, Map.of("retention.ms", "-1"));
        TallyConfig config = TallyConfigLoader.parse("""
                kafka: { bootstrap.servers: "%s" }
                state: { dir: %s, memory: 64MB }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    tables:
                      users: { topic: %s }
                    transform:
                      - lookup: { table: users, key: user, fields: { country: country }, missing: drop }
                    key: country
                    time: { type: processing }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    batch: { interval: 200ms }
                    sink: { topic: %s-out }
                """.formatted(kafka.bootstrapServers(), dir.resolve("state"), job, views, users, job), "t.yaml", Map.of());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TallyService service = new TallyService(config, registry);
             KafkaProducer<String, String> producer = WordCountFixture.producer(kafka.bootstrapServers())) {
            service.start();
            Thread.sleep(3_000);
            assertFalse(service.isReady(), "not ready while the table topic is missing");
            assertEquals(false, table(service).get("caughtUp"));

            // Not compacted: a compacted topic refuses records without a key, and this one has one on purpose.
            kafka.createTopic(users, 2, Map.of("retention.ms", "-1"));
            producer.send(new ProducerRecord<>(users, "u1", "{\"country\":\"FR\"}"));
            producer.send(new ProducerRecord<>(users, "u2", "{\"country\":\"DE\"}"));
            producer.send(new ProducerRecord<>(users, "u2", null));
            producer.send(new ProducerRecord<>(users, null, "{\"country\":\"XX\"}"));
            producer.flush();
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), service::isReady), "ready once the table loaded");

            producer.send(new ProducerRecord<>(views, null, "{\"user\":\"u1\"}"));
            producer.send(new ProducerRecord<>(views, null, "{\"user\":\"u2\"}")); // deleted: dropped
            producer.send(new ProducerRecord<>(users, "u3", "{\"country\":\"IT\"}")); // followed between batches
            producer.flush();
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(30),
                    () -> ((Number) table(service).get("recordsLoadedSinceStart")).longValue() == 4
                            && ((Number) table(service).get("droppedLookups")).longValue() == 1),
                    () -> "table status: " + table(service));

            Map<String, Object> t = table(service);
            assertEquals(true, t.get("caughtUp"));
            assertEquals(1L, ((Number) t.get("skippedNoKey")).longValue());
            assertEquals(0L, ((Number) t.get("skippedUndecodable")).longValue());
            assertTrue(((Number) t.get("versions")).longValue() >= 4, "u1, u2 and its tombstone, u3: " + t);
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(10), () -> ((Number) table(service).get("lag")).longValue() == 0),
                    () -> "lag: " + table(service));
            assertEquals(4.0, registry.get("tally.table.records.loaded").tag("table", "users").functionCounter().count());
            assertEquals(1.0, registry.get("tally.lookup.dropped").tag("table", "users").functionCounter().count());
            assertEquals(1.0, registry.get("tally.table.records.skipped").tag("reason", "NO_KEY").functionCounter().count());

            try (TallyHttpServer http = TallyHttpServer.start(new HttpConfig(true, "127.0.0.1", 0), service, registry)) {
                JsonNode u1 = get(http.url() + "/jobs/" + job + "/tables/users?key=u1");
                assertEquals("FR", u1.path("row").path("country").asText(), u1.toString());
                JsonNode u2 = get(http.url() + "/jobs/" + job + "/tables/users?key=u2");
                assertTrue(u2.path("miss").asText().contains("was deleted"), u2.toString());
                assertEquals(0, u2.path("status").path("lag").asLong(), u2.toString());
                JsonNode snapshot = get(http.url() + "/dashboard/snapshot");
                assertEquals(4, snapshot.path("jobs").get(0).path("tables").path("users").path("recordsLoadedSinceStart").asLong(),
                        "the dashboard's job row: " + snapshot.path("jobs"));
                JsonNode jobs = get(http.url() + "/jobs");
                assertEquals(4, jobs.path("jobs").get(0).path("tables").path("users").path("recordsLoadedSinceStart").asLong(),
                        jobs.toString());
            }
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> table(TallyService service) {
        return (Map<String, Object>) service.tables("table-loader").get("users");
    }
}
