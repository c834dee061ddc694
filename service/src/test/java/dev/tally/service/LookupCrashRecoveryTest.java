package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16: page views per country, the country looked up in a users table by each view's event
 * time. The job runs as its own process and is SIGKILLed while both the views and the table keep
 * receiving records (users move to other countries mid-stream). The read_committed output must equal
 * an independent join of every view with its user's version at the view's time, each window once,
 * and every restart must read only the table topic's tail, not the whole table again.
 */
class LookupCrashRecoveryTest {
    private static final Pattern LOADED = Pattern.compile("table users loaded, (\\d+) records read from (the beginning|the stored offsets)");
    private static final String[] COUNTRIES = {"FR", "DE", "IT", "ES", "PT", "NL"};
    private static final int USERS = 3_000;
    /** Views pick among the first few users, so the moves below change many views' countries. */
    private static final int ACTIVE_USERS = 40;
    private static final int VIEWS = 1_200;
    private static final long STEP_MS = 250;
    /** One user moves every 5 s of event time. */
    private static final long MOVE_EVERY_MS = 5_000;
    /**
     * A move valid from T is written when the views reach T minus this: seconds of wall time before
     * any view that needs it (the writer's pace), so the job has followed it by then. The as-of race
     * of a live table is the writer's to avoid, not the job's to guess.
     */
    private static final long TABLE_AHEAD_MS = 60_000;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    record View(String user, long ts) {
        String json() {
            return "{\"user\":\"" + user + "\",\"ts\":" + ts + "}";
        }
    }

    record Version(String user, long time, String country) {
        String json() {
            return "{\"country\":\"" + country + "\"}";
        }
    }

    @Test
    void shouldJoinEveryViewWithItsUsersVersionAtItsTimeAndReloadOnlyTheTableTailWhenKilledMidStream() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String job = "vpc-crash";
        String source = job + "-views";
        String users = job + "-users";
        String sink = job + "-counts";
        String group = "tally-" + job;
        kafka.createTopic(source, WordCountFixture.PARTITIONS, Map.of("retention.ms", "-1"));
        kafka.createTopic(users, 2, Map.of("retention.ms", "-1", "cleanup.policy", "compact"));
        Path config = dir.resolve("job.yaml");
        Files.writeString(config, jobYaml(kafka.bootstrapServers(), dir.resolve("state").toString(), job, source, users, sink));

        Random random = new Random(16);
        long base = WordCountFixture.BASE_TS;
        List<Version> initial = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            initial.add(new Version("u" + u, base - 1_000, COUNTRIES[random.nextInt(COUNTRIES.length)]));
        }
        List<String> flushWords = WordCountFixture.flushWords(WordCountFixture.PARTITIONS);
        for (String w : flushWords) {
            initial.add(new Version(w, base - 1_000, w));
        }
        List<View> views = new ArrayList<>();
        for (int i = 0; i < VIEWS; i++) {
            views.add(new View("u" + random.nextInt(ACTIVE_USERS), base + i * STEP_MS));
        }
        List<Version> moves = new ArrayList<>();
        for (long t = base + 2_345; t < base + VIEWS * STEP_MS; t += MOVE_EVERY_MS) {
            moves.add(new Version("u" + random.nextInt(ACTIVE_USERS), t, COUNTRIES[random.nextInt(COUNTRIES.length)]));
        }
        Map<WordCountFixture.Cell, Long> expected = expectedCounts(views, initial, moves);

        long seed = System.nanoTime();
        Random kills = new Random(seed);
        try (ChildJob child = new ChildJob(dir, config, Map.of());
             Admin admin = WordCountFixture.admin(kafka);
             KafkaProducer<String, String> producer = WordCountFixture.producer(kafka.bootstrapServers())) {
            for (Version v : initial) {
                producer.send(tableRecord(users, v));
            }
            // Moves due within the first views' reach go in before the job starts, like the initial rows.
            int early = 0;
            while (early < moves.size() && moves.get(early).time() - TABLE_AHEAD_MS <= views.get(0).ts()) {
                producer.send(tableRecord(users, moves.get(early++)));
            }
            producer.flush();
            child.start(ChildJob.STRICT);
            assertTrue(WordCountFixture.eventually(Duration.ofSeconds(90), () -> WordCountFixture.assigned(admin, group)),
                    "the first instance owns its partitions");

            Writer writer = new Writer(producer, admin, group, source, users, views, moves.subList(early, moves.size()), 100);
            writer.limit = VIEWS / (KILLS + 1);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);
            for (int kill = 0; kill < KILLS; kill++) {
                long progress = WordCountFixture.committedSum(admin, group, source);
                assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(90),
                        () -> WordCountFixture.committedSum(admin, group, source) > progress),
                        "the job commits batches after (re)start " + kill);
                Thread.sleep(200 + kills.nextInt(1_300));
                child.kill();
                child.start(ChildJob.STRICT);
                writer.limit = VIEWS * (kill + 2) / (KILLS + 1);
            }
            writing.get(180, TimeUnit.SECONDS);
            assertTrue(writer.movesWritten > moves.size() / 2, "the table changed while the job ran: " + writer.movesWritten);
            assertEquals(moves.size() - early, writer.movesWritten, "every move was written");

            assertTrue(child.eventuallyWhileAlive(Duration.ofSeconds(90), () -> WordCountFixture.sourceConsumed(admin, group, source)),
                    "the last instance consumed every view");
            long flushTime = views.get(views.size() - 1).ts() + WordCountFixture.SIZE_MS + WordCountFixture.SLIDE_MS + 90_001;
            // Into every source partition: a repartition task's time is the minimum over them.
            for (int p = 0; p < WordCountFixture.PARTITIONS; p++) {
                for (String w : flushWords) {
                    producer.send(new ProducerRecord<>(source, p, null, new View(w, flushTime).json()));
                }
            }
            producer.flush();

            try (WindowOutput output = new WindowOutput(kafka.bootstrapServers(), sink, WordCountFixture.PARTITIONS)) {
                WordCountFixture.eventually(Duration.ofSeconds(60), () -> {
                    output.poll();
                    return output.lastValues().keySet().containsAll(expected.keySet());
                });
                child.stop();
                output.readToEnd();

                List<String> deadLetters = WindowOutput.deadLetters(kafka.bootstrapServers(), job + "-dead-letter", WordCountFixture.PARTITIONS);
                assertEquals(List.of(), deadLetters.subList(0, Math.min(5, deadLetters.size())),
                        () -> deadLetters.size() + " records were dead-lettered (late, bad or LOOKUP_MISSING), first ones");
                Map<WordCountFixture.Cell, Long> actual = output.lastValues();
                assertTrue(expected.equals(actual), () -> "kill seed " + seed + ": " + WindowOutput.diff(expected, actual));
                assertEquals(Map.of(), output.duplicates(), "emit final emits each window once, across crashes");
            }

            List<long[]> loads = new ArrayList<>();
            for (Path log : child.logs()) {
                loads.add(tableLoad(log));
            }
            System.out.println("table records read per life (first: from the beginning): "
                    + loads.stream().map(l -> String.valueOf(l[0])).toList() + ", moves written while running: " + writer.movesWritten);
            assertTrue(loads.get(0)[0] >= USERS && loads.get(0)[1] == 0, "the first life loads the whole table from the beginning");
            for (int life = 1; life < loads.size(); life++) {
                long[] load = loads.get(life);
                int n = life;
                assertTrue(load[1] == 1 && load[0] < USERS / 10, () -> "restart " + n + " read " + load[0] + " table records"
                        + (load[1] == 1 ? " from the stored offsets" : " from the beginning") + "; the table has more than "
                        + USERS + ": a restart must read only the tail");
            }
        }
    }

    /** The independent join: each view's user's version with the largest time at or before the view, counted per hopping window. */
    private static Map<WordCountFixture.Cell, Long> expectedCounts(List<View> views, List<Version> initial, List<Version> moves) {
        Map<String, List<Version>> versions = new HashMap<>();
        for (Version v : initial) {
            versions.computeIfAbsent(v.user(), k -> new ArrayList<>()).add(v);
        }
        for (Version v : moves) {
            versions.computeIfAbsent(v.user(), k -> new ArrayList<>()).add(v);
        }
        Map<WordCountFixture.Cell, Long> counts = new HashMap<>();
        for (View view : views) {
            Version at = null;
            for (Version v : versions.get(view.user())) {
                if (v.time() <= view.ts() && (at == null || v.time() >= at.time())) {
                    at = v;
                }
            }
            long last = view.ts() - Math.floorMod(view.ts(), WordCountFixture.SLIDE_MS);
            for (long start = last; start > view.ts() - WordCountFixture.SIZE_MS; start -= WordCountFixture.SLIDE_MS) {
                counts.merge(new WordCountFixture.Cell(at.country(), start), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static ProducerRecord<String, String> tableRecord(String topic, Version v) {
        return new ProducerRecord<>(topic, null, v.time(), v.user(), v.json());
    }

    /** Views in event-time order, at most {@code maxLag} ahead of the job's commits; each move written {@link #TABLE_AHEAD_MS} of views before its time. */
    private static final class Writer implements Runnable {
        private final KafkaProducer<String, String> producer;
        private final Admin admin;
        private final String group;
        private final String source;
        private final String users;
        private final List<View> views;
        private final List<Version> moves;
        private final int maxLag;
        volatile int limit;
        volatile int movesWritten;

        Writer(KafkaProducer<String, String> producer, Admin admin, String group, String source, String users,
               List<View> views, List<Version> moves, int maxLag) {
            this.producer = producer;
            this.admin = admin;
            this.group = group;
            this.source = source;
            this.users = users;
            this.views = views;
            this.moves = moves;
            this.maxLag = maxLag;
        }

        @Override
        public void run() {
            try {
                int i = 0;
                int m = 0;
                while (i < views.size()) {
                    if (i >= limit || i - WordCountFixture.committedSum(admin, group, source) >= maxLag) {
                        Thread.sleep(50);
                        continue;
                    }
                    for (int end = Math.min(i + 5, views.size()); i < end; i++) {
                        while (m < moves.size() && moves.get(m).time() - TABLE_AHEAD_MS <= views.get(i).ts()) {
                            producer.send(tableRecord(users, moves.get(m++)));
                        }
                        producer.send(new ProducerRecord<>(source, i % WordCountFixture.PARTITIONS, null, views.get(i).json()));
                    }
                    producer.flush();
                    movesWritten = m;
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing input", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("cannot read the job's progress", e.getCause());
            }
        }
    }

    private static String jobYaml(String bootstrap, String stateDir, String job, String source, String users, String sink) {
        return """
                kafka:
                  bootstrap.servers: %s
                state:
                  dir: %s
                http:
                  port: 0
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    tables:
                      users: { topic: %s }
                    transform:
                      - lookup: { table: users, key: user, fields: { country: country } }
                    key: country
                    time: { type: event, field: ts, grace: 90s }
                    window: { type: hopping, size: 30s, slide: 10s }
                    aggregates:
                      count: count
                    emit: final
                    batch: { interval: 200ms, max-records: 300 }
                    sink: { topic: %s }
                """.formatted(bootstrap, stateDir, job, source, users, sink);
    }

    /** {records read, 1 when from the stored offsets} of the life's "table users loaded" line; {-1, -1} when it never loaded. */
    private static long[] tableLoad(Path log) throws IOException {
        for (String line : Files.readAllLines(log)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                return new long[] {Long.parseLong(m.group(1)), m.group(2).equals("the stored offsets") ? 1 : 0};
            }
        }
        return new long[] {-1, -1};
    }
}
