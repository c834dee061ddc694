package dev.tally.engine.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.ConfigException;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lookups through the same code the service runs: versions by event time, tombstones, history, misses. */
class LookupTest {
    private static final List<FileRun.TableRecord> USERS = List.of(
            user("u1", 1_000, "{\"country\":\"FR\",\"plan\":\"free\"}"),
            user("u2", 1_000, "{\"country\":\"DE\"}"),
            user("u1", 50_000, "{\"country\":\"IT\",\"plan\":\"pro\"}"),
            user("u1", 30_000, "{\"country\":\"ES\"}"), // late: valid from 30 s to 50 s
            user("u2", 40_000, null),                    // tombstone: u2 deleted at 40 s
            user("", 1_000, "{\"country\":\"XX\"}"),      // no key: skipped, counted
            user("u3", 1_000, "not json"));              // undecodable: skipped, counted

    static FileRun.TableRecord user(String key, long time, String value) {
        return new FileRun.TableRecord(key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), time);
    }

    static JobConfig job(String lookup, String table) {
        try {
            return TallyConfigLoader.parseJob("""
                    name: t
                    source: { topic: in, format: json }
                    tables:
                      users: %s
                    transform:
                      - lookup: %s
                    key: country
                    time: { type: event, field: t }
                    window: { type: tumbling, size: 100s }
                    aggregates: { n: count }
                    sink: { topic: out }
                    """.formatted(table, lookup), "test", Map.of());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static FileRun.Result run(JobConfig job, int batch, String... lines) {
        List<byte[]> values = Arrays.stream(lines).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        return new FileRun(job).table("users", USERS).run(values, null, batch);
    }

    static String view(String user, long t) {
        return "{\"user\":\"" + user + "\",\"t\":" + t + "}";
    }

    static final String[] VIEWS = {
        view("u1", 10_000),  // FR (the version from 1 s)
        view("u1", 35_000),  // ES (the late version, valid 30-50 s)
        view("u1", 60_000),  // IT
        view("u2", 20_000),  // DE
        view("u2", 45_000),  // deleted at 40 s: miss
        view("u9", 20_000),  // never in the table: miss
        "{\"t\":20000}",     // no lookup key: miss
        view("u1", 500),     // before u1's first version: miss
    };

    @Test
    void shouldJoinEachRecordWithTheVersionAtItsEventTimeWhenMissesAreDeadLettered() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country } }", "{ topic: users }");
        for (int batch : new int[] {1, 3, Integer.MAX_VALUE}) {
            FileRun.Result r = run(job, batch, VIEWS);
            assertEquals(List.of(
                    "{\"key\":\"DE\",\"start\":0,\"end\":100000,\"n\":1}",
                    "{\"key\":\"ES\",\"start\":0,\"end\":100000,\"n\":1}",
                    "{\"key\":\"FR\",\"start\":0,\"end\":100000,\"n\":1}",
                    "{\"key\":\"IT\",\"start\":0,\"end\":100000,\"n\":1}"), r.windows());
            assertEquals(List.of(5L, 6L, 7L, 8L), r.rejected().stream().map(FileRun.Rejected::line).toList());
            assertTrue(r.rejected().stream().allMatch(x -> x.reason().equals("LOOKUP_MISSING")), r.rejected().toString());
            assertTrue(r.rejected().get(0).message().contains("deleted"), r.rejected().get(0).message());
        }
    }

    @Test
    void shouldKeepMissesWithNullFieldsWhenMissingIsKeep() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country }, missing: keep }", "{ topic: users }");
        FileRun.Result r = run(job, 1, VIEWS);
        // Null countries have no key: the record is dead-lettered by keying, not by the lookup.
        assertEquals(4, r.windows().size());
        assertEquals(List.of("MISSING_KEY"), r.rejected().stream().map(FileRun.Rejected::reason).distinct().toList());
        assertEquals(4, r.rejected().size());
    }

    @Test
    void shouldDropMissesSilentlyWhenMissingIsDrop() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country }, missing: drop }", "{ topic: users }");
        FileRun.Result r = run(job, 2, VIEWS);
        assertEquals(4, r.windows().size());
        assertEquals(List.of(), r.rejected());
    }

    @Test
    void shouldUseTheNewestRowWhenAsOfIsLatest() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country } }", "{ topic: users, as-of: latest }");
        FileRun.Result r = run(job, 1, VIEWS);
        // u1 is IT now whatever the view's time; u2 is deleted; the rest have no row.
        assertEquals(List.of("{\"key\":\"IT\",\"start\":0,\"end\":100000,\"n\":4}"), r.windows());
        assertEquals(List.of(4L, 5L, 6L, 7L), r.rejected().stream().map(FileRun.Rejected::line).toList());
    }

    @Test
    void shouldMissWithAReasonWhenTheEventIsOlderThanTheHistory() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country } }", "{ topic: users, history: 20s }");
        // The newest table record is at 50 s: history reaches back to 30 s.
        FileRun.Result r = run(job, 1, view("u1", 10_000), view("u1", 35_000));
        assertEquals(List.of("{\"key\":\"ES\",\"start\":0,\"end\":100000,\"n\":1}"), r.windows());
        assertEquals(1, r.rejected().size());
        assertTrue(r.rejected().get(0).message().contains("older than the table's history"), r.rejected().get(0).message());
    }

    @Test
    void shouldCountBadTableRecordsWithoutStoppingWhenTheyLackAKeyOrDoNotDecode() {
        JobConfig job = job("{ table: users, key: user, fields: { country: country } }", "{ topic: users }");
        FileRun fileRun = new FileRun(job).table("users", USERS);
        fileRun.run(List.of(view("u1", 10_000).getBytes(StandardCharsets.UTF_8)), null, 1);
        assertEquals(List.of("table users record 6 skipped: NO_KEY", "table users record 7 skipped: UNDECODABLE"),
                fileRun.tableProblems());
    }
}
