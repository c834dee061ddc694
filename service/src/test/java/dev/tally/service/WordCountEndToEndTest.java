package dev.tally.service;

import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #2: word count over a 3-partition topic of JSON lines, hopping 30s/10s windows, through
 * the repartition topic, against a real broker. The read_committed output must equal counts
 * computed independently, in both emit modes.
 */
class WordCountEndToEndTest {
    private static final long GRACE_MS = 60_000;
    private static final int LINES = 600;
    /** 400 ms of event time per line: 600 lines span 4 minutes of event time. */
    private static final long STEP_MS = 400;

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"final", "changes"})
    void shouldOutputExactlyTheIndependentlyComputedCountsWhenWordCountRunsAgainstKafka(String emit) throws Exception {
        TestJob job = TestJob.wordCount("wc-e2e-" + emit);
        String yaml = WordCountFixture.jobYaml(job.bootstrap(), stateDir.toString(), job.name(), job.input(), job.output(), emit, "60s");
        TallyConfig config = TallyConfigLoader.parse(yaml, job.name() + ".yaml", Map.of());

        List<WordCountFixture.Line> lines = WordCountFixture.lines(LINES, STEP_MS, emit.hashCode());
        Map<WordCountFixture.Cell, Long> expected = WordCountFixture.expectedCounts(lines);
        boolean isFinal = emit.equals("final");

        TallyService service = new TallyService(config, new SimpleMeterRegistry());
        boolean stopped = false;
        try (Admin admin = WordCountFixture.admin(job.kafka());
             KafkaProducer<String, String> producer = WordCountFixture.producer(job.bootstrap())) {
            service.start();
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(30), () -> WordCountFixture.assigned(admin, job.group())),
                    "the job owns its partitions");
            // Input written while the job runs, at most 50 lines (20 s of event time) ahead of it.
            new WordCountFixture.Writer(producer, admin, job.group(), job.input(), lines, 50).run();
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                assertFalse(service.anyFailed(), () -> "job failed: " + service.statuses().get(0).error());
                return WordCountFixture.sourceConsumed(admin, job.group(), job.input());
            }), "the job consumed every line");
            WordCountFixture.sendFlushLine(producer, job.input(), lines, GRACE_MS);

            try (WindowOutput output = new WindowOutput(job.bootstrap(), job.output(), WordCountFixture.PARTITIONS)) {
                // On a timeout the assertions below say what is missing.
                WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    output.poll();
                    assertFalse(service.anyFailed(), () -> "job failed: " + service.statuses().get(0).error());
                    return isFinal ? output.lastValues().keySet().containsAll(expected.keySet())
                            : output.lastValues().equals(expected);
                });
                // Stopped, the job writes nothing more: reading to the end sees every record it will ever emit.
                service.close();
                stopped = true;
                output.readToEnd();

                List<String> deadLetters = WindowOutput.deadLetters(job.bootstrap(), job.name() + "-dead-letter", WordCountFixture.PARTITIONS);
                assertEquals(List.of(), deadLetters.subList(0, Math.min(5, deadLetters.size())),
                        () -> deadLetters.size() + " records were dead-lettered (late or bad), first ones");
                Map<WordCountFixture.Cell, Long> actual = output.lastValues();
                assertTrue(expected.equals(actual), () -> WindowOutput.diff(expected, actual));
                if (isFinal) {
                    assertEquals(Map.of(), output.duplicates(), "emit final emits each window once");
                }
            }
        } finally {
            if (!stopped) {
                service.close();
            }
        }
    }
}
