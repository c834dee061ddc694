package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
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
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String job = "wc-crash";
        String source = job + "-lines";
        String sink = job + "-counts";
        String group = "tally-" + job;
        kafka.createTopic(source, WordCountFixture.PARTITIONS, Map.of("retention.ms", "-1"));
        Path config = dir.resolve("job.yaml");
        Files.writeString(config, WordCountFixture.jobYaml(kafka.bootstrapServers(), dir.resolve("state").toString(),
                job, source, sink, "final", "90s"));

        List<WordCountFixture.Line> lines = WordCountFixture.lines(LINES, STEP_MS, 42);
        Map<WordCountFixture.Cell, Long> expected = WordCountFixture.expectedCounts(lines);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Path> logs = new ArrayList<>();
        Process child = null;
        try (Admin admin = WordCountFixture.admin(kafka);
             KafkaProducer<String, String> producer = WordCountFixture.producer(kafka.bootstrapServers())) {
            child = startJob(config, logs);
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> WordCountFixture.assigned(admin, group)),
                    "the first instance owns its partitions");

            // Input keeps coming, at most 100 lines (25 s of event time) ahead of the job; a share of it per
            // life of the job, so every kill happens while lines are still arriving.
            WordCountFixture.Writer writer = new WordCountFixture.Writer(producer, admin, group, source, lines, 100);
            writer.limit(LINES / (KILLS + 1));
            CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);

            for (int kill = 0; kill < KILLS; kill++) {
                long progress = WordCountFixture.committedSum(admin, group, source);
                Process running = child;
                assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    assertTrue(running.isAlive(), () -> "the job died on its own, see " + logs.get(logs.size() - 1));
                    return WordCountFixture.committedSum(admin, group, source) > progress;
                }), "the job commits batches after (re)start " + kill);
                Thread.sleep(200 + random.nextInt(1_300));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed job exited");
                child = startJob(config, logs);
                writer.limit(LINES * (kill + 2) / (KILLS + 1));
            }
            writing.get(120, TimeUnit.SECONDS);

            Process last = child;
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(90), () -> {
                assertTrue(last.isAlive(), () -> "the job died on its own, see " + logs.get(logs.size() - 1));
                return WordCountFixture.sourceConsumed(admin, group, source);
            }), "the last instance consumed every line");
            WordCountFixture.sendFlushLine(producer, source, lines, GRACE_MS);

            try (WindowOutput output = new WindowOutput(kafka.bootstrapServers(), sink, WordCountFixture.PARTITIONS)) {
                // On a timeout the assertions below say what is missing.
                WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    output.poll();
                    return output.lastValues().keySet().containsAll(expected.keySet());
                });
                child.destroy();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the job");
                output.readToEnd();

                List<String> deadLetters = WindowOutput.deadLetters(kafka.bootstrapServers(), job + "-dead-letter", WordCountFixture.PARTITIONS);
                assertEquals(List.of(), deadLetters.subList(0, Math.min(5, deadLetters.size())),
                        () -> deadLetters.size() + " records were dead-lettered (late or bad), first ones");
                Map<WordCountFixture.Cell, Long> actual = output.lastValues();
                assertTrue(expected.equals(actual), () -> "kill seed " + seed + ": " + WindowOutput.diff(expected, actual));
                assertEquals(Map.of(), output.duplicates(), "emit final emits each window once, across crashes");
            }

            long changelog = WordCountFixture.totalEndOffset(admin, "tally-" + job + "-changelog", WordCountFixture.PARTITIONS);
            long replayed = 0;
            for (Path log : logs.subList(1, logs.size())) {
                List<Long> restores = restores(log);
                // A job may be killed before it restored all its tasks, but each life restores some.
                assertFalse(restores.isEmpty(), () -> "no restore logged in " + log);
                replayed += restores.stream().mapToLong(Long::longValue).sum();
            }
            long total = replayed;
            assertTrue(changelog > 1_000, "the changelog holds the job's history: " + changelog);
            assertTrue(total * 10 < changelog, () -> "restarts replayed " + total + " changelog records of " + changelog
                    + ": they must resume from local state, not rebuild it");
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts {@code tally run -c config} in a child JVM on this test's class path; its output goes to a new log file. */
    private Process startJob(Path config, List<Path> logs) throws IOException {
        Path log = dir.resolve("run-" + logs.size() + ".log");
        logs.add(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dtally.strict=true", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.TallyCli", "run", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
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
