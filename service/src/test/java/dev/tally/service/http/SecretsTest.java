package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.ConfigException;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.tally.service.http.HttpTestSupport.await;
import static dev.tally.service.http.HttpTestSupport.get;
import static dev.tally.service.http.HttpTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A secret given as ${VAR} reaches the Kafka clients but no HTTP answer, log line or error message. */
class SecretsTest {
    private static final String SECRET = "hunter2-" + UUID.randomUUID();
    private static final Map<String, String> ENV = Map.of("TALLY_TEST_PASSWORD", SECRET);

    @TempDir
    Path dir;

    @Test
    void shouldNeverShowTheSecretWhenJobsRunAndFail() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic("secret-in-" + id, 2, Map.of("retention.ms", "-1"));
        // PLAINTEXT: the SASL and SSL settings are passed to every client, which need not use them.
        TallyConfig config = TallyConfigLoader.parse("""
                kafka:
                  bootstrap.servers: %s
                  sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="tally" password="${TALLY_TEST_PASSWORD}";'
                  ssl.key.password: ${TALLY_TEST_PASSWORD}
                state: { dir: '%s', memory: 16MB }
                http: { port: 0 }
                jobs:
                  - name: fine-%s
                    source: { topic: secret-in-%s, format: json }
                    key: user
                    window: { type: tumbling, size: 10s }
                    aggregates: { n: count }
                    batch: { interval: 200ms }
                    sink:
                      topic: secret-out-%s
                      postgres:   # nothing listens on port 1: the sink retries, and says why, without the secret
                        url: "jdbc:postgresql://127.0.0.1:1/x?sslmode=disable&password=${TALLY_TEST_PASSWORD}"
                        user: tally
                        password: ${TALLY_TEST_PASSWORD}
                        table: results
                  - name: broken-%s
                    source: { topic: no-such-topic-%s, format: json }
                    key: user
                    window: { type: tumbling, size: 10s }
                    aggregates: { n: count }
                    sink: { topic: secret-out-%s }
                """.formatted(kafka.bootstrapServers(), dir, id, id, id, id, id, id), "secrets.yaml", ENV);
        assertTrue(config.kafka().get("sasl.jaas.config").contains(SECRET), "the clients do get the secret");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        System.setOut(tee);
        String jobs;
        String broken;
        String metrics;
        String badQuery;
        try (ServiceHttpTest.Running r = ServiceHttpTest.Running.start(config)) {
            // A missing source topic is a wait (not ready, its reason shown), not a failure (issue #13).
            await("the broken job waits for its topic and the fine one is running", Duration.ofSeconds(60), () -> {
                JsonNode all = json(get(r.url() + "/jobs")).get("jobs");
                return all.get(0).get("ready").asBoolean() && !all.get(1).get("ready").asBoolean()
                        && all.get(1).get("error").asText().contains("no-such-topic-" + id)
                        && "RETRYING".equals(all.get(0).get("databaseSink").get("state").asText());
            });
            jobs = get(r.url() + "/jobs").body();
            broken = get(r.url() + "/jobs/broken-" + id).body();
            metrics = get(r.url() + "/metrics").body();
            badQuery = get(r.url() + "/jobs/fine-" + id + "/windows?key=a&from=1&to=0").body();
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);

        assertTrue(json(broken).get("error").asText().contains("no-such-topic-" + id), broken);
        assertTrue(logs.contains("no-such-topic-" + id), "the failure was logged (so the logs were captured): " + logs);
        assertEquals("******", json(jobs).get("kafka").get("sasl.jaas.config").asText());
        assertEquals("******", json(jobs).get("kafka").get("ssl.key.password").asText());
        JsonNode pg = json(jobs).get("jobs").get(0).get("config").get("sink").get("postgres");
        assertEquals("******", pg.get("password").asText());
        assertEquals("jdbc:postgresql://127.0.0.1:1/x?sslmode=disable&password=******", pg.get("url").asText());
        assertTrue(logs.contains("cannot write to results"), "the sink's retry was logged: " + logs);
        for (Map.Entry<String, String> seen : Map.of("/jobs", jobs, "/jobs/broken", broken, "/metrics", metrics,
                "a refused pull query", badQuery, "the logs", logs).entrySet()) {
            assertFalse(seen.getValue().contains(SECRET), "the secret appears in " + seen.getKey());
            assertFalse(seen.getValue().contains("hunter2"), "part of the secret appears in " + seen.getKey());
        }
    }

    @Test
    void shouldNotQuoteTheSecretWhenItIsAnInvalidValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> TallyConfigLoader.parse("""
                kafka: { bootstrap.servers: 127.0.0.1:9092 }
                state: { dir: /tmp/x, memory: '${TALLY_TEST_PASSWORD}' }
                http: { port: '${TALLY_TEST_PASSWORD}' }
                jobs: []
                """, "bad.yaml", ENV));
        assertTrue(e.getMessage().contains("http.port"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
}
