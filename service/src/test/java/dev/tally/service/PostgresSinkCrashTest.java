package dev.tally.service;

import dev.tally.pg.LocalPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #14: word count, in both emit modes, into a PostgreSQL table, the Tally process
 * SIGKILLed four times while input flows: twice at a random moment, twice by the crash hook inside
 * the sink's database transaction (rows written, offsets moved, not committed). In the end the
 * table holds exactly the independently computed last count of every window, and the offsets
 * table stands exactly at the output topic's end. An audit trigger logs every write: no window's
 * count ever went down, and with {@code final} every window was inserted exactly once.
 */
class PostgresSinkCrashTest {
    private static final int LINES = 1_200;
    /** Short enough that final windows close (and reach the table) in every life of the job. */
    private static final long GRACE_MS = 45_000;
    private static final long STEP_MS = 250;
    private static final String PASSWORD = "pw-never-logged-7431";
    /** null: killed from outside at a random moment; N: halts itself inside its N-th sink transaction. */
    private static final Integer[] LIVES = {null, 3, null, 5};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"changes", "final"})
    void shouldHoldTheLastCountOfEveryWindowOnceWhenTheProcessIsKilledDuringDatabaseTransactions(String emit) throws Exception {
        TestJob job = TestJob.wordCount("wc-pg-crash-" + emit);
        List<WordCountFixture.Line> lines = WordCountFixture.lines(LINES, STEP_MS, 14);
        Map<WordCountFixture.Cell, Long> expected = WordCountFixture.expectedCounts(lines);
        Random random = new Random(System.nanoTime());
        Path config = dir.resolve("job.yaml");
        try (ChildJob child = new ChildJob(dir, config, Map.of("PG_PASSWORD", PASSWORD));
             LocalPostgres pg = LocalPostgres.start();
             Admin admin = WordCountFixture.admin(job.kafka());
             KafkaProducer<String, String> producer = WordCountFixture.producer(job.bootstrap())) {
            PostgresSinkFixture.createAuditedTable(pg, "word_counts");
            Files.writeString(config, PostgresSinkFixture.jobYaml(job.bootstrap(), dir.resolve("state").toString(),
                    job.name(), job.input(), job.output(), emit, GRACE_MS / 1000 + "s", pg, "word_counts"));
            child.start(crashHook(null));
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(60), () -> WordCountFixture.assigned(admin, job.group())),
                    "the first instance owns its partitions");
            WordCountFixture.Writer writer = new WordCountFixture.Writer(producer, admin, job.group(), job.input(), lines, 60);
            writer.limit(LINES / LIVES.length);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);

            int inTransaction = 0;
            for (int life = 0; life < LIVES.length; life++) {
                long progress = WordCountFixture.committedSum(admin, job.group(), job.input());
                if (LIVES[life] == null) {
                    assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(60),
                            () -> WordCountFixture.committedSum(admin, job.group(), job.input()) > progress),
                            "the job commits batches after (re)start " + life);
                    Thread.sleep(100 + random.nextInt(900));
                    child.process().destroyForcibly();
                } else {
                    inTransaction++;
                }
                assertTrue(child.process().waitFor(90, TimeUnit.SECONDS), "life " + life + " ended (killed or halted by the hook)");
                List<Path> logs = child.logs();
                assertEquals(137, child.process().exitValue(), "life " + life + " was killed, see " + logs.get(logs.size() - 1));
                child.start(crashHook(life + 1 < LIVES.length ? LIVES[life + 1] : null));
                writer.limit(LINES * (life + 2) / LIVES.length);
            }
            assertEquals(2, inTransaction);
            writing.get(180, TimeUnit.SECONDS);

            assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(90), () -> WordCountFixture.sourceConsumed(admin, job.group(), job.input())),
                    "the last instance consumed every line");
            WordCountFixture.sendFlushLine(producer, job.input(), lines, GRACE_MS);
            // The repartition tasks may still be behind the source: wait for the table (on a timeout the asserts say why).
            WordCountFixture.eventually(Duration.ofSeconds(60), () -> PostgresSinkFixture.tableCounts(pg, "word_counts")
                    .equals(expected) && PostgresSinkFixture.databaseOffsets(pg, job.name())
                    .equals(PostgresSinkFixture.topicEnds(admin, job.output(), WordCountFixture.PARTITIONS)));
            child.stop();

            Map<WordCountFixture.Cell, Long> actual = PostgresSinkFixture.tableCounts(pg, "word_counts");
            assertTrue(expected.equals(actual), () -> WindowOutput.diff(expected, actual));
            assertEquals(PostgresSinkFixture.topicEnds(admin, job.output(), WordCountFixture.PARTITIONS),
                    PostgresSinkFixture.databaseOffsets(pg, job.name()), "the offsets table stands at the output topic's end");
            assertEquals(0, PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts_writes WHERE new_count < old_count"),
                    "no committed batch was applied again after a newer one (no count went down)");
            if (emit.equals("final")) {
                assertEquals(0, PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts_writes WHERE op <> 'INSERT'"));
                assertEquals(PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts"),
                        PostgresSinkFixture.count(pg, "SELECT count(*) FROM word_counts_writes"),
                        "each final window was inserted exactly once across the kills");
            }
            for (Path log : child.logs()) {
                assertFalse(Files.readString(log).contains(PASSWORD), "the password is never logged: " + log);
            }
        }
    }

    /** The next life's JVM options: {@code crashInBatch} set, it halts inside that sink transaction. */
    private static List<String> crashHook(Integer crashInBatch) {
        return crashInBatch == null ? List.of() : List.of("-Dtally.crash.sink-before-commit=" + crashInBatch);
    }
}
