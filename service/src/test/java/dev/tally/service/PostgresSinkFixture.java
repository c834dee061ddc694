package dev.tally.service;

import dev.tally.pg.LocalPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The word-count job with a PostgreSQL sink, and what the tests read back from the table and the topic. */
final class PostgresSinkFixture {
    private PostgresSinkFixture() {
    }

    /** {@link WordCountFixture#jobYaml} whose sink also writes {@code table} (password from ${PG_PASSWORD}). */
    static String jobYaml(String bootstrap, String stateDir, String job, String source, String sink, String emit,
                          String grace, LocalPostgres pg, String table) {
        String yaml = WordCountFixture.jobYaml(bootstrap, stateDir, job, source, sink, emit, grace);
        String plain = "sink: { topic: " + sink + " }";
        if (!yaml.contains(plain)) {
            throw new IllegalStateException("the word-count job's sink line changed: " + yaml);
        }
        return yaml.replace(plain, "sink: { topic: " + sink + ", postgres: { url: \"" + pg.jdbcUrl()
                + "?ApplicationName=tally-test\", user: postgres, password: \"${PG_PASSWORD}\", table: " + table + " } }");
    }

    /**
     * Creates the word-count table as the README documents it, with a trigger that logs every
     * write into {@code <table>_writes}: a window inserted twice, or a count that went down (counts
     * only grow in the output topic), is a committed batch applied a second time. A BEFORE trigger
     * sees an INSERT even when ON CONFLICT DO NOTHING then skips it.
     */
    static void createAuditedTable(LocalPostgres pg, String table) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (key text NOT NULL, window_start timestamptz NOT NULL,"
                    + " window_end timestamptz, count bigint, updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (key, window_start))");
            s.execute("CREATE TABLE " + table + "_writes (op text, key text, window_start timestamptz, old_count bigint,"
                    + " new_count bigint)");
            s.execute("CREATE FUNCTION " + table + "_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO " + table + "_writes VALUES (TG_OP, NEW.key, NEW.window_start,"
                    + " CASE WHEN TG_OP = 'UPDATE' THEN OLD.count END, NEW.count); RETURN NEW; END $$");
            s.execute("CREATE TRIGGER " + table + "_audit BEFORE INSERT OR UPDATE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + table + "_audit()");
        }
    }

    static long count(LocalPostgres pg, String sql) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Connection connect(LocalPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
    }

    /** (word, window start) -> count as the table holds it, flush words left out; fails on a window of the wrong size. */
    static Map<WordCountFixture.Cell, Long> tableCounts(LocalPostgres pg, String table) throws SQLException {
        Map<WordCountFixture.Cell, Long> counts = new HashMap<>();
        try (Connection c = connect(pg); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key, (extract(epoch FROM window_start) * 1000)::bigint,"
                     + " (extract(epoch FROM window_end - window_start) * 1000)::bigint, count FROM " + table)) {
            while (rs.next()) {
                if (rs.getLong(3) != WordCountFixture.SIZE_MS) {
                    throw new AssertionError("window of " + rs.getLong(3) + " ms for " + rs.getString(1));
                }
                if (!WordCountFixture.isFlushWord(rs.getString(1))) {
                    counts.put(new WordCountFixture.Cell(rs.getString(1), rs.getLong(2)), rs.getLong(4));
                }
            }
        }
        return counts;
    }

    /** Partition -> next offset, as the sink stored it for the job; empty before its first batch. */
    static Map<Integer, Long> databaseOffsets(LocalPostgres pg, String job) throws SQLException {
        Map<Integer, Long> offsets = new TreeMap<>();
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('tally_sink_offsets') IS NOT NULL");
            exists.next();
            if (!exists.getBoolean(1)) {
                return offsets;
            }
            try (ResultSet rs = s.executeQuery("SELECT partition, next_offset FROM tally_sink_offsets WHERE job = '" + job + "'")) {
                while (rs.next()) {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    static long databaseOffsetSum(LocalPostgres pg, String job) throws SQLException {
        return databaseOffsets(pg, job).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Partition -> the topic's last stable offset: where a read_committed reader that read everything stands. */
    static Map<Integer, Long> topicEnds(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new TreeMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(specs,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().entrySet()) {
            ends.put(e.getKey().partition(), e.getValue().offset());
        }
        return ends;
    }
}
