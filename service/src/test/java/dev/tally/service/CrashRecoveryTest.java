package dev.tally.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #2: the job runs as its own process and is SIGKILLed at random moments while input keeps
 * arriving, then restarted on the same state directory. In the end the read_committed output
 * holds every window exactly once with exactly the right count, and each restart resumed from its
 * local RocksDB state: it replayed only the changelog's tail, not the changelog.
 */
class CrashRecoveryTest {
    private static final Pattern RESTORED = Pattern.compile("task (\\d+) restored, (\\d+) changelog records replayed");
    private static final long GRACE_MS = 90_000;
    private static final int LINES = 1_000;
    private static final long STEP_MS = 250;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void shouldCountEveryWordOnceAndResumeFromLocalStateWhenTheJobIsKilledMidStream() throws Exception {
        TestJob job = TestJob.wordCount("wc-crash");
        Path config = dir.resolve("job.yaml");
        Files.writeString(config, WordCountFixture.jobYaml(job.bootstrap(), dir.resolve("state").toString(),
                job.name(), job.input(), job.output(), "final", "90s"));

        List<WordCountFixture.Line> lines = WordCountFixture.lines(LINES, STEP_MS, 42);
        Map<WordCountFixture.Cell, Long> expected = WordCountFixture.expectedCounts(lines);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (ChildJob child = new ChildJob(dir, config, Map.of());
             Admin admin = WordCountFixture.admin(job.kafka());
             KafkaProducer<String, String> producer = WordCountFixture.producer(job.bootstrap())) {
            child.start(ChildJob.STRICT);
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> WordCountFixture.assigned(admin, job.group())),
                    "the first instance owns its partitions");

            // Input keeps coming, at most 100 lines (25 s of event time) ahead of the job; a share of it per
            // life of the job, so every kill happens while lines are still arriving.
            WordCountFixture.Writer writer = new WordCountFixture.Writer(producer, admin, job.group(), job.input(), lines, 100);
            writer.limit(LINES / (KILLS + 1));
            CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);

            for (int kill = 0; kill < KILLS; kill++) {
                long progress = WordCountFixture.committedSum(admin, job.group(), job.input());
                assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(60),
                        () -> WordCountFixture.committedSum(admin, job.group(), job.input()) > progress),
                        "the job commits batches after (re)start " + kill);
                Thread.sleep(200 + random.nextInt(1_300));
                child.kill();
                child.start(ChildJob.STRICT);
                writer.limit(LINES * (kill + 2) / (KILLS + 1));
            }
            writing.get(120, TimeUnit.SECONDS);

            assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(90), () -> WordCountFixture.sourceConsumed(admin, job.group(), job.input())),
                    "the last instance consumed every line");
            WordCountFixture.sendFlushLine(producer, job.input(), lines, GRACE_MS);

            try (WindowOutput output = new WindowOutput(job.bootstrap(), job.output(), WordCountFixture.PARTITIONS)) {
                // On a timeout the assertions below say what is missing.
                WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    output.poll();
                    return output.lastValues().keySet().containsAll(expected.keySet());
                });
                child.stop();
                output.readToEnd();

                List<String> deadLetters = WindowOutput.deadLetters(job.bootstrap(), job.name() + "-dead-letter", WordCountFixture.PARTITIONS);
                assertEquals(List.of(), deadLetters.subList(0, Math.min(5, deadLetters.size())),
                        () -> deadLetters.size() + " records were dead-lettered (late or bad), first ones");
                Map<WordCountFixture.Cell, Long> actual = output.lastValues();
                assertTrue(expected.equals(actual), () -> "kill seed " + seed + ": " + WindowOutput.diff(expected, actual));
                assertEquals(Map.of(), output.duplicates(), "emit final emits each window once, across crashes");
            }

            long changelog = WordCountFixture.totalEndOffset(admin, job.group() + "-changelog", WordCountFixture.PARTITIONS);
            long replayed = 0;
            for (Path log : child.logs().subList(1, child.logs().size())) {
                List<Long> restores = restores(log);
                // A job may be killed before it restored all its tasks, but each life restores some.
                assertFalse(restores.isEmpty(), () -> "no restore logged in " + log);
                replayed += restores.stream().mapToLong(Long::longValue).sum();
            }
            long total = replayed;
            assertTrue(changelog > 1_000, "the changelog holds the job's history: " + changelog);
            assertTrue(total * 10 < changelog, () -> "restarts replayed " + total + " changelog records of " + changelog
                    + ": they must resume from local state, not rebuild it");
        }
    }

    /** The R of every "task N restored, R changelog records replayed" line of a log. */
    private static List<Long> restores(Path log) throws IOException {
        List<Long> replayed = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) {
                replayed.add(Long.parseLong(m.group(2)));
            }
        }
        return replayed;
    }
}
