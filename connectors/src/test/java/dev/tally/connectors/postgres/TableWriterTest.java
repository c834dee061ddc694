package dev.tally.connectors.postgres;

import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.pg.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer against a real PostgreSQL server: rows, types, deletes, the offsets fence, schema changes, errors. */
class TableWriterTest {
    private static LocalPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    static JobConfig job(String name, String table, String window, String emit, String aggregates) throws Exception {
        String yaml = """
                name: %s
                source: { topic: in-%s, format: json }
                key: user
                time: { type: event, field: ts }
                window: %s
                aggregates: %s
                emit: %s
                sink:
                  topic: out-%s
                  postgres: { url: "%s", user: postgres, table: %s }
                """.formatted(name, name, window, aggregates, emit, name, pg.jdbcUrl(), table);
        return TallyConfigLoader.parseJob(yaml, name + ".yaml", Map.of());
    }

    private static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void shouldWriteEveryAggregateTypeAndKeepTheLastValuePerWindowWhenABatchHoldsSeveral() throws Exception {
        sql("CREATE SCHEMA IF NOT EXISTS analytics");
        JobConfig job = job("types", "analytics.types", "{ type: tumbling, size: 1m }", "changes",
                "{ n: count, bytes: { sum: bytes }, lo: { min: ms }, avg_ms: { avg: ms }, page: { last: page },"
                        + " pages: { count_distinct: page }, lat: { quantiles: ms, ranks: [0.5] }, top: { top_k: page, k: 2 } }");
        SinkTable table = new SinkTable(job);
        WindowRows rows = new WindowRows(table.columns());
        rows.add(b("u\t1"), b("{\"key\":\"u\\t1\",\"start\":60000,\"end\":120000,\"n\":1,\"bytes\":10,\"lo\":5.0,\"avg_ms\":5.0,"
                + "\"page\":\"/a\",\"pages\":1,\"lat\":{\"p50\":5.0},\"top\":[{\"item\":\"/a\",\"count\":1}]}"));
        rows.add(b("u\t1"), b("{\"key\":\"u\\t1\",\"start\":60000,\"end\":120000,\"n\":2,\"bytes\":12.5,\"lo\":2.0,\"avg_ms\":3.5,"
                + "\"page\":\"/b\\\\x\\n\",\"pages\":2,\"lat\":{\"p50\":2.0},\"top\":[{\"item\":\"/a\",\"count\":1}]}"));
        rows.add(b("v"), b("{\"key\":\"v\",\"start\":0,\"end\":60000,\"n\":1,\"bytes\":123456789012345678,\"lo\":null,"
                + "\"avg_ms\":1.0,\"page\":null,\"pages\":null,\"lat\":null,\"top\":[]}"));
        assertEquals(3, rows.records());
        assertEquals(2, rows.rows(), "two versions of one window are one row");
        try (TableWriter w = new TableWriter(job.sink().postgres(), table, job.name())) {
            w.connect();
            assertEquals(Map.of(0, 0L), w.offsets("out-types", List.of(0)));
            w.apply(rows, "out-types", Map.of(0, 0L), Map.of(0, 3L));
        }
        assertEquals(List.of(
                        "u\t1|1970-01-01 00:01:00|1970-01-01 00:02:00|2|12.5|2|3.5|/b\\x\n|2|{\"p50\": 2.0}|[{\"item\": \"/a\", \"count\": 1}]",
                        "v|1970-01-01 00:00:00|1970-01-01 00:01:00|1|123456789012345678|null|1|null|null|null|[]"),
                rows("SELECT key, window_start AT TIME ZONE 'UTC', window_end AT TIME ZONE 'UTC', n, bytes, lo, avg_ms, page, pages, lat, top"
                        + " FROM analytics.types ORDER BY key"));
        assertEquals(List.of("n|bigint", "bytes|numeric", "lo|double precision", "avg_ms|double precision", "page|text",
                        "pages|bigint", "lat|jsonb", "top|jsonb"),
                rows("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'analytics.types'::regclass"
                        + " AND attnum > 3 AND attname <> 'updated_at' ORDER BY attnum"));
        assertEquals(List.of("types|out-types|0|3"),
                rows("SELECT job, topic, partition, next_offset FROM analytics.tally_sink_offsets"));
    }

    @Test
    void shouldDeleteARetractedSessionAndADroppedGlobalKeyWhenTheirRecordsArrive() throws Exception {
        JobConfig sessions = job("sess", "sessions", "{ type: session, gap: 30s }", "changes", "{ n: count }");
        SinkTable st = new SinkTable(sessions);
        try (TableWriter w = new TableWriter(sessions.sink().postgres(), st, sessions.name())) {
            w.offsets("out-sess", List.of(0));
            WindowRows r = new WindowRows(st.columns());
            r.add(b("a"), b("{\"key\":\"a\",\"start\":1000,\"end\":2000,\"n\":2}"));
            r.add(b("b"), b("{\"key\":\"b\",\"start\":1000,\"end\":3000,\"n\":3}"));
            w.apply(r, "out-sess", Map.of(0, 0L), Map.of(0, 2L));
            r.clear();
            // a grew (same start, later end): the old session is retracted, then the new one written
            r.add(b("a"), b("{\"key\":\"a\",\"start\":1000,\"end\":2000,\"retracted\":true}"));
            r.add(b("a"), b("{\"key\":\"a\",\"start\":1000,\"end\":9000,\"n\":5}"));
            r.add(b("b"), b("{\"key\":\"b\",\"start\":1000,\"end\":3000,\"retracted\":true}"));
            w.apply(r, "out-sess", Map.of(0, 2L), Map.of(0, 5L));
        }
        assertEquals(List.of("a|9000|5"), rows("SELECT key, (extract(epoch FROM window_end) * 1000)::bigint, n FROM sessions"));

        JobConfig global = job("glob", "globals", "{ type: global, idle-timeout: 1m }", "changes", "{ n: count }");
        SinkTable gt = new SinkTable(global);
        try (TableWriter w = new TableWriter(global.sink().postgres(), gt, global.name())) {
            w.offsets("out-glob", List.of(0, 1));
            WindowRows r = new WindowRows(gt.columns());
            r.add(b("a"), b("{\"key\":\"a\",\"updated\":5000,\"n\":2}"));
            r.add(b("b"), b("{\"key\":\"b\",\"updated\":6000,\"n\":1}"));
            w.apply(r, "out-glob", Map.of(0, 0L), Map.of(0, 2L));
            r.clear();
            r.add(b("b"), null);
            w.apply(r, "out-glob", Map.of(1, 0L), Map.of(1, 1L));
        }
        assertEquals(List.of("a|-infinity|5000|2"),
                rows("SELECT key, window_start, (extract(epoch FROM window_end) * 1000)::bigint, n FROM globals"));
    }

    @Test
    void shouldWriteNothingWhenAnotherSinkMovedThePartitionsOffsets() throws Exception {
        JobConfig job = job("fence", "fenced", "{ type: tumbling, size: 1m }", "final", "{ n: count }");
        SinkTable t = new SinkTable(job);
        try (TableWriter mine = new TableWriter(job.sink().postgres(), t, job.name());
             TableWriter theirs = new TableWriter(job.sink().postgres(), t, job.name())) {
            mine.offsets("out-fence", List.of(0));
            WindowRows r = new WindowRows(t.columns());
            r.add(b("a"), b("{\"key\":\"a\",\"start\":0,\"end\":60000,\"n\":1}"));
            theirs.apply(r, "out-fence", Map.of(0, 0L), Map.of(0, 1L));
            assertThrows(SinkException.Fenced.class, () -> mine.apply(r, "out-fence", Map.of(0, 0L), Map.of(0, 1L)));
            // the fenced sink re-reads the database and goes on from there
            assertEquals(Map.of(0, 1L), mine.offsets("out-fence", List.of(0)));
        }
        assertEquals(List.of("a|1"), rows("SELECT key, n FROM fenced"));
        assertEquals(List.of("1"), rows("SELECT next_offset FROM tally_sink_offsets WHERE job = 'fence'"));
    }

    @Test
    void shouldKeepTheRowsThereWhenFinalWindowsAreAppliedAgainAfterTheOffsetsWereResetByHand() throws Exception {
        JobConfig job = job("replay", "replayed", "{ type: tumbling, size: 1m }", "final", "{ n: count }");
        SinkTable t = new SinkTable(job);
        WindowRows r = new WindowRows(t.columns());
        r.add(b("a"), b("{\"key\":\"a\",\"start\":0,\"end\":60000,\"n\":1}"));
        r.add(b("b"), b("{\"key\":\"b\",\"start\":0,\"end\":60000,\"n\":2}"));
        try (TableWriter w = new TableWriter(job.sink().postgres(), t, job.name())) {
            w.offsets("out-replay", List.of(0));
            w.apply(r, "out-replay", Map.of(0, 0L), Map.of(0, 2L));
            sql("UPDATE tally_sink_offsets SET next_offset = 0 WHERE job = 'replay'");
            r.add(b("c"), b("{\"key\":\"c\",\"start\":0,\"end\":60000,\"n\":3}"));
            w.apply(r, "out-replay", Map.of(0, 0L), Map.of(0, 3L));
        }
        assertEquals(List.of("a|1", "b|2", "c|3"), rows("SELECT key, n FROM replayed ORDER BY key"));
        assertEquals(List.of("3"), rows("SELECT next_offset FROM tally_sink_offsets WHERE job = 'replay'"));
    }

    @Test
    void shouldAddAColumnWhenTheJobGainsAnAggregateAndStopNamingTheColumnWhenItsTypeWasAltered() throws Exception {
        JobConfig before = job("evolve", "evolving", "{ type: tumbling, size: 1m }", "changes", "{ n: count }");
        try (TableWriter w = new TableWriter(before.sink().postgres(), new SinkTable(before), before.name())) {
            assertEquals(List.of(), w.connect().stream().filter(s -> s.contains("ADD COLUMN")).toList());
        }
        JobConfig after = job("evolve", "evolving", "{ type: tumbling, size: 1m }", "changes", "{ n: count, total: { sum: bytes } }");
        SinkTable t = new SinkTable(after);
        try (TableWriter w = new TableWriter(after.sink().postgres(), t, after.name())) {
            assertEquals(List.of("ALTER TABLE \"evolving\" ADD COLUMN IF NOT EXISTS \"total\" numeric"), w.connect());
            w.offsets("out-evolve", List.of(0));
            WindowRows r = new WindowRows(t.columns());
            r.add(b("a"), b("{\"key\":\"a\",\"start\":0,\"end\":60000,\"n\":1,\"total\":3000000000}"));
            sql("ALTER TABLE evolving ALTER COLUMN total TYPE integer");
            SinkException.Fatal e = assertThrows(SinkException.Fatal.class,
                    () -> w.apply(r, "out-evolve", Map.of(0, 0L), Map.of(0, 1L)));
            assertTrue(e.getMessage().startsWith("table evolving, column total (is integer, the sink writes numeric): "),
                    e.getMessage());
        }
        assertEquals(List.of("0"), rows("SELECT next_offset FROM tally_sink_offsets WHERE job = 'evolve'"),
                "a failed batch moves no offset");
        try (TableWriter w = new TableWriter(after.sink().postgres(), t, after.name())) {
            SinkException.Fatal e = assertThrows(SinkException.Fatal.class, w::connect);
            assertTrue(e.getMessage().startsWith("table evolving, column total: is integer, the sink writes numeric; run ALTER TABLE"),
                    e.getMessage());
        }
    }

    @Test
    void shouldNameTheConstraintsColumnWhenAnAlteredTableRefusesARow() throws Exception {
        JobConfig job = job("check", "checked", "{ type: tumbling, size: 1m }", "changes", "{ n: count }");
        SinkTable t = new SinkTable(job);
        try (TableWriter w = new TableWriter(job.sink().postgres(), t, job.name())) {
            w.offsets("out-check", List.of(0));
            sql("ALTER TABLE checked ADD CONSTRAINT small_n CHECK (n < 10)");
            WindowRows r = new WindowRows(t.columns());
            r.add(b("a"), b("{\"key\":\"a\",\"start\":0,\"end\":60000,\"n\":11}"));
            SinkException.Fatal e = assertThrows(SinkException.Fatal.class,
                    () -> w.apply(r, "out-check", Map.of(0, 0L), Map.of(0, 1L)));
            assertTrue(e.getMessage().startsWith("table checked, column n: new row for relation \"checked\" violates check"
                    + " constraint \"small_n\""), e.getMessage());
        }
    }

    @Test
    void shouldStoreEachNumberAsItsTextSaysAndRefuseTheBatchWhenAColumnWasAlteredToAnotherEightByteType() throws Exception {
        JobConfig job = job("exact", "exact", "{ type: tumbling, size: 1m }", "final",
                "{ n: count, total: { sum: bytes }, lo: { min: ms } }");
        SinkTable t = new SinkTable(job);
        String[][] numbers = {{"0", "0"}, {"-0.0001", "-1.5e-7"}, {"10000", "3"}, {"1E+3", "1e300"}, {"0.5", "-0.0"},
                {"12345.678", "2.5"}, {"98765432109876543210", "123456789"}, {"-7", "-4.25"}, {"100000000.0001", "7"}};
        WindowRows r = new WindowRows(t.columns());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < numbers.length; i++) {
            r.add(b("k" + i), b("{\"key\":\"k" + i + "\",\"start\":0,\"end\":60000,\"n\":" + i + ",\"total\":" + numbers[i][0]
                    + ",\"lo\":" + numbers[i][1] + "}"));
            expected.append(i == 0 ? "" : ", ").append("('k").append(i).append("', ").append(i).append(", ")
                    .append(numbers[i][0]).append("::numeric, ").append(numbers[i][1]).append("::double precision)");
        }
        try (TableWriter w = new TableWriter(job.sink().postgres(), t, job.name())) {
            w.offsets("out-exact", List.of(0));
            w.apply(r, "out-exact", Map.of(0, 0L), Map.of(0, (long) numbers.length));
            // PostgreSQL's own reading of the same JSON numbers as text
            assertEquals(List.of(String.valueOf(numbers.length)), rows("SELECT count(*) FROM exact e JOIN (VALUES " + expected
                    + ") v(key, n, total, lo) ON e.key = v.key AND e.window_start = 'epoch' WHERE e.n = v.n AND e.total = v.total"
                    + " AND e.lo = v.lo AND e.window_end = timestamptz 'epoch' + interval '1 minute'"));

            sql("ALTER TABLE exact ALTER COLUMN n TYPE double precision");
            r.clear();
            r.add(b("z"), b("{\"key\":\"z\",\"start\":0,\"end\":60000,\"n\":1,\"total\":1,\"lo\":1}"));
            SinkException.Fatal e = assertThrows(SinkException.Fatal.class,
                    () -> w.apply(r, "out-exact", Map.of(0, (long) numbers.length), Map.of(0, numbers.length + 1L)));
            assertTrue(e.getMessage().startsWith("table exact, column n (is double precision, the sink writes bigint)"),
                    e.getMessage());
        }
        assertEquals(List.of(String.valueOf(numbers.length)), rows("SELECT count(*) FROM exact"), "nothing of the refused batch");
        assertEquals(List.of(String.valueOf(numbers.length)), rows("SELECT next_offset FROM tally_sink_offsets WHERE job = 'exact'"));
    }
}
