package dev.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.connectors.postgres.SinkTable;
import dev.tally.connectors.postgres.TableWriter;
import dev.tally.connectors.postgres.WindowRows;
import dev.tally.pg.LocalPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL sink's write path against two baselines, on the same window records, in the same
 * run, on a PostgreSQL server of its own: rows/s for {@code final} (every record a new window)
 * and {@code changes} (every window updated in five different batches). Each contender parses
 * the records' JSON with Jackson and commits once per batch.
 * <pre>bench/sink.sh [records] [batch] [rounds]</pre>
 */
public final class SinkBench {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int VERSIONS = 5;

    /** One contender's result; {@code rows} and {@code views} are read back from the table to check the run. */
    public record Result(String workload, String contender, int records, double seconds, long rows, long views) {
        double perSecond() {
            return records / seconds;
        }
    }

    private record Workload(String name, String emit, List<byte[]> keys, List<byte[]> values, long windows) {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        run(Math.min(records, 50_000), Math.min(batch, 10_000), 1); // warm-up: JIT and the driver's statement caches
        System.out.println(table(run(records, batch, rounds), records, batch));
    }

    /**
     * Every contender on both workloads, {@code rounds} times interleaved (a machine shared with
     * other work slows all contenders of a round alike); the median round of each.
     */
    public static List<Result> run(int records, int batch, int rounds) throws Exception {
        List<List<Result>> all = new ArrayList<>();
        try (LocalPostgres pg = LocalPostgres.start()) {
            List<Workload> workloads = List.of(workload("final", records), workload("changes", records));
            for (int round = 0; round < rounds; round++) {
                List<Result> results = new ArrayList<>();
                for (Workload w : workloads) {
                    results.add(tally(pg, w, batch));
                    results.add(jdbcLoop(pg, w, batch, false));
                    results.add(jdbcLoop(pg, w, batch, true));
                    results.add(copyCeiling(pg, w, batch));
                }
                all.add(results);
            }
        }
        List<Result> medians = new ArrayList<>();
        for (int i = 0; i < all.get(0).size(); i++) {
            int at = i;
            List<Result> runs = new ArrayList<>(all.stream().map(r -> r.get(at)).toList());
            runs.sort(java.util.Comparator.comparingDouble(Result::seconds));
            medians.add(runs.get(runs.size() / 2));
        }
        return medians;
    }

    /** final: one record per window. changes: records / 5 windows, record j updating window j mod W to version j / W + 1. */
    private static Workload workload(String emit, int records) {
        long windows = emit.equals("final") ? records : records / VERSIONS;
        List<byte[]> keys = new ArrayList<>(records);
        List<byte[]> values = new ArrayList<>(records);
        for (int j = 0; j < records; j++) {
            long w = j % windows;
            long version = j / windows + 1;
            String key = "user-" + (w % 10_000);
            long start = 1_700_000_000_000L + (w / 10_000) * 60_000;
            keys.add(key.getBytes(StandardCharsets.UTF_8));
            values.add(("{\"key\":\"" + key + "\",\"start\":" + start + ",\"end\":" + (start + 60_000) + ",\"views\":" + version
                    + ",\"bytes\":" + (version * 1234 + w % 97) + ",\"pages\":" + (1 + w % 7) + "}").getBytes(StandardCharsets.UTF_8));
        }
        return new Workload(emit, emit, keys, values, windows);
    }

    private static JobConfig job(LocalPostgres pg, Workload w) throws Exception {
        return TallyConfigLoader.parseJob("""
                name: bench-%s
                source: { topic: views, format: json }
                key: user
                window: { type: tumbling, size: 1m }
                aggregates: { views: count, bytes: { sum: bytes }, pages: { count_distinct: page } }
                emit: %s
                sink: { topic: bench-out, postgres: { url: "%s", user: postgres, table: bench_%s } }
                """.formatted(w.name, w.emit, pg.jdbcUrl(), w.name), "bench.yaml", Map.of());
    }

    private static Result tally(LocalPostgres pg, Workload w, int batch) throws Exception {
        JobConfig job = job(pg, w);
        SinkTable table = new SinkTable(job);
        reset(pg, "bench_" + w.name);
        try (TableWriter writer = new TableWriter(job.sink().postgres(), table, job.name())) {
            writer.offsets("bench-out", List.of(0));
            WindowRows rows = new WindowRows(table.columns());
            long t0 = System.nanoTime();
            for (int from = 0; from < w.values.size(); from += batch) {
                int to = Math.min(w.values.size(), from + batch);
                for (int i = from; i < to; i++) {
                    rows.add(w.keys.get(i), w.values.get(i));
                }
                writer.apply(rows, "bench-out", Map.of(0, (long) from), Map.of(0, (long) to));
                rows.clear();
            }
            return result(pg, w, "tally sink", t0, "bench_" + w.name);
        }
    }

    /** The plain way: one parameterised upsert per record, executeBatch per batch. */
    private static Result jdbcLoop(LocalPostgres pg, Workload w, int batch, boolean rewrite) throws Exception {
        String table = "bench_" + w.name;
        reset(pg, table);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + (rewrite ? "?reWriteBatchedInserts=true" : ""),
                "postgres", "")) {
            try (Statement s = c.createStatement()) {
                s.execute(new SinkTable(job(pg, w)).createTable()); // the same table the sink writes
            }
            c.setAutoCommit(false);
            String conflict = w.emit.equals("final") ? "DO NOTHING" : "DO UPDATE SET window_end = EXCLUDED.window_end,"
                    + " views = EXCLUDED.views, bytes = EXCLUDED.bytes, pages = EXCLUDED.pages, updated_at = now()";
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (key, window_start, window_end, views,"
                    + " bytes, pages, updated_at) VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (key, window_start) " + conflict)) {
                for (int i = 0; i < w.values.size(); i++) {
                    JsonNode n = MAPPER.readTree(w.values.get(i));
                    ps.setString(1, n.get("key").textValue());
                    ps.setObject(2, time(n.get("start").longValue()));
                    ps.setObject(3, time(n.get("end").longValue()));
                    ps.setLong(4, n.get("views").longValue());
                    ps.setBigDecimal(5, n.get("bytes").decimalValue());
                    ps.setLong(6, n.get("pages").longValue());
                    ps.addBatch();
                    if ((i + 1) % batch == 0 || i + 1 == w.values.size()) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            return result(pg, w, rewrite ? "JDBC batch upsert, reWriteBatchedInserts" : "JDBC batch upsert loop", t0, table);
        }
    }

    /** The database's ceiling here: COPY of every record into a table without a key or index (nothing merged). */
    private static Result copyCeiling(LocalPostgres pg, Workload w, int batch) throws Exception {
        reset(pg, "bench_copy");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_copy (key text, start_ms bigint, end_ms bigint, views bigint, bytes numeric, pages bigint)");
            }
            c.setAutoCommit(false);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long t0 = System.nanoTime();
            StringBuilder text = new StringBuilder();
            for (int from = 0; from < w.values.size(); from += batch) {
                text.setLength(0);
                for (int i = from; i < Math.min(w.values.size(), from + batch); i++) {
                    JsonNode n = MAPPER.readTree(w.values.get(i));
                    text.append(n.get("key").textValue()).append('\t').append(n.get("start").longValue()).append('\t')
                            .append(n.get("end").longValue()).append('\t').append(n.get("views").asText()).append('\t')
                            .append(n.get("bytes").asText()).append('\t').append(n.get("pages").asText()).append('\n');
                }
                copy.copyIn("COPY bench_copy FROM STDIN", new StringReader(text.toString()));
                c.commit();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(w.name, "bare COPY, unindexed table (ceiling)", w.values.size(), seconds,
                    count(c, "SELECT count(*) FROM bench_copy"), -1);
        }
    }

    private static OffsetDateTime time(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    private static void reset(LocalPostgres pg, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("DROP TABLE IF EXISTS tally_sink_offsets");
            s.execute("CHECKPOINT");
        }
    }

    private static Result result(LocalPostgres pg, Workload w, String contender, long t0, String table) throws SQLException {
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            return new Result(w.name, contender, w.values.size(), seconds, count(c, "SELECT count(*) FROM " + table),
                    count(c, "SELECT coalesce(sum(views), 0) FROM " + table));
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String table(List<Result> results, int records, int batch) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "### PostgreSQL sink: %,d window records per workload, %,d per transaction, median round%n%n", records, batch))
                .append("| workload | contender | rows/s | of the COPY ceiling | rows in table |\n|---|---|---:|---:|---:|\n");
        for (Result r : results) {
            double ceiling = results.stream().filter(c -> c.workload.equals(r.workload) && c.contender.startsWith("bare COPY"))
                    .mapToDouble(Result::perSecond).findFirst().orElse(Double.NaN);
            t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %,d |%n", r.workload, r.contender, r.perSecond(),
                    r.perSecond() / ceiling, r.rows));
        }
        return t.toString();
    }
}
