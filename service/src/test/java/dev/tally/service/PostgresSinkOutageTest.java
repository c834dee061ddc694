package dev.tally.service;

import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.pg.LocalPostgres;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #14: the PostgreSQL server is stopped while the job runs and input flows, and started
 * again later. Meanwhile the job keeps writing its Kafka output and stays ready, while
 * {@code /jobs} and {@code tally_sink_lag_records} show the table falling behind. After the
 * database returns, the sink catches up: every final window is in the table once (an audit
 * trigger counts every insert attempt), with the independently computed count.
 */
class PostgresSinkOutageTest {
    private static final int LINES = 900;
    private static final long STEP_MS = 250;
    private static final long GRACE_MS = 45_000;
    private static final Duration OUTAGE = Duration.ofSeconds(12);

    @TempDir
    Path stateDir;

    @Test
    void shouldLoseAndDoubleNothingWhenPostgresIsStoppedAndRestartedWhileTheJobRuns() throws Exception {
        TestJob job = TestJob.wordCount("wc-pg-outage");
        List<WordCountFixture.Line> lines = WordCountFixture.lines(LINES, STEP_MS, 1414);
        Map<WordCountFixture.Cell, Long> expected = WordCountFixture.expectedCounts(lines);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LocalPostgres pg = LocalPostgres.start();
             Admin admin = WordCountFixture.admin(job.kafka());
             KafkaProducer<String, String> producer = WordCountFixture.producer(job.bootstrap())) {
            PostgresSinkFixture.createAuditedTable(pg, "word_counts");
            String yaml = PostgresSinkFixture.jobYaml(job.bootstrap(), stateDir.toString(), job.name(), job.input(), job.output(),
                    "final", GRACE_MS / 1000 + "s", pg, "word_counts");
            TallyConfig config = TallyConfigLoader.parse(yaml, job.name() + ".yaml", Map.of("PG_PASSWORD", "unused-with-trust"));
            TallyService service = new TallyService(config, registry);
            try {
                service.start();
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(30), () -> WordCountFixture.assigned(admin, job.group())),
                        "the job owns its partitions");
                WordCountFixture.Writer writer = new WordCountFixture.Writer(producer, admin, job.group(), job.input(), lines, 60);
                writer.limit(LINES / 3);
                CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60),
                        () -> PostgresSinkFixture.databaseOffsetSum(pg, job.name()) > 0), "the sink writes before the outage");

                pg.stopServer();
                long stoppedAt = System.nanoTime();
                writer.limit(LINES * 2 / 3);
                long outputBefore = WordCountFixture.totalEndOffset(admin, job.output(), WordCountFixture.PARTITIONS);
                Gauge lag = registry.get("tally.sink.lag.records").tag("job", job.name()).gauge();
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    assertFalse(service.anyFailed(), () -> "job failed: " + service.statuses().get(0).error());
                    return WordCountFixture.totalEndOffset(admin, job.output(), WordCountFixture.PARTITIONS) > outputBefore + 50
                            && lag.value() > 50;
                }), "the job's Kafka output goes on while the table falls behind");
                // A real outage, not a blip: the sink backs off and retries for a while.
                Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
                assertTrue(service.isReady(), "a database outage does not make the job unready");
                Map<String, Object> shown = service.databaseSink(job.name());
                assertEquals("RETRYING", shown.get("state"), shown::toString);
                assertTrue(((Number) shown.get("lagRecords")).longValue() > 0, shown::toString);
                assertTrue(registry.scrape().lines().anyMatch(l -> l.startsWith("tally_sink_lag_records{job=\"" + job.name() + "\"}")
                        && !l.endsWith(" 0.0")), "Prometheus sees the lag");

                pg.restartServer();
                writer.limit(LINES);
                writing.get(120, TimeUnit.SECONDS);
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60),
                        () -> WordCountFixture.sourceConsumed(admin, job.group(), job.input())), "the job consumed every line");
                WordCountFixture.sendFlushLine(producer, job.input(), lines, GRACE_MS);
                WordCountFixture.eventually(Duration.ofSeconds(60), () -> PostgresSinkFixture.tableCounts(pg, "word_counts")
                        .equals(expected) && PostgresSinkFixture.databaseOffsets(pg, job.name())
                        .equals(PostgresSinkFixture.topicEnds(admin, job.output(), WordCountFixture.PARTITIONS)));

                Map<WordCountFixture.Cell, Long> actual = PostgresSinkFixture.tableCounts(pg, "word_counts");
                assertTrue(expected.equals(actual), () -> WindowOutput.diff(expected, actual));
                assertEquals(PostgresSinkFixture.topicEnds(admin, job.output(), WordCountFixture.PARTITIONS),
                        PostgresSinkFixture.databaseOffsets(pg, job.name()), "the offsets table stands at the output topic's end");
                assertEquals(PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts"),
                        PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts_writes"),
                        "each final window was inserted once, none again after the outage");
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(5), () -> lag.value() == 0), "no lag left");
                assertEquals("RUNNING", service.databaseSink(job.name()).get("state"));
            } finally {
                service.close();
            }
        }
    }
}
