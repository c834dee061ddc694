package dev.tally.connectors.postgres;

import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.PostgresSinkConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A job's result table and the SQL that fills it: one row per (key, window_start), one column per
 * aggregate, typed after what the aggregate outputs. Also the offsets table beside it. Every
 * identifier is quoted, so names are used exactly as configured.
 */
public final class SinkTable {
    /** The table that stores, per output partition, the next offset the sink will apply: the sink's only position. */
    public static final String OFFSETS = "tally_sink_offsets";

    /** One aggregate's column. */
    public record Column(String name, String type) {
        String quoted() {
            return quote(name);
        }
    }

    private final String qualified;
    private final String offsets;
    private final String display;
    private final List<Column> columns;
    private final boolean upsert;

    public SinkTable(JobConfig job) {
        PostgresSinkConfig pg = job.sink().postgres();
        String schema = pg.schema();
        this.qualified = (schema == null ? "" : quote(schema) + ".") + quote(pg.tableName());
        this.offsets = (schema == null ? "" : quote(schema) + ".") + OFFSETS;
        this.display = pg.table();
        this.columns = job.aggregates().stream().map(a -> new Column(a.name(), sqlType(a.type()))).toList();
        this.upsert = job.emit() == JobConfig.EmitMode.CHANGES;
    }

    /** The column type that fits what an aggregate outputs (see the README's Output table). */
    public static String sqlType(AggregateConfig.Type type) {
        return switch (type) {
            case COUNT, COUNT_DISTINCT -> "bigint";
            // integral while every input is, fractional otherwise: numeric keeps both exactly
            case SUM -> "numeric";
            case MIN, MAX, AVG -> "double precision";
            case FIRST, LAST -> "text";
            case QUANTILES, TOP_K -> "jsonb";
        };
    }

    public String name() {
        return display;
    }

    /** The table's name as SQL writes it: quoted, schema-qualified when configured so. */
    public String qualifiedName() {
        return qualified;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The documented DDL of the result table. */
    public String createTable() {
        String aggs = columns.stream().map(c -> ",\n  " + c.quoted() + " " + c.type()).collect(Collectors.joining());
        // Byte-order keys: the primary key's comparisons are a memcmp, whatever the database's locale.
        // changes: half of each page free, so that a batch updating every row of a page still finds room
        // for each new version there: a HOT update, no new index entry (70 left ~30 % of the updates
        // non-HOT and the table a third larger in the bench). final never updates.
        return "CREATE TABLE IF NOT EXISTS " + qualified + " (\n  key text COLLATE \"C\" NOT NULL,\n"
                + "  window_start timestamptz NOT NULL,\n  window_end timestamptz" + aggs
                + ",\n  updated_at timestamptz NOT NULL DEFAULT now(),\n  PRIMARY KEY (key, window_start)\n)"
                + (upsert ? " WITH (fillfactor = 50)" : "");
    }

    public String createOffsets() {
        return "CREATE TABLE IF NOT EXISTS " + offsets + " (\n  job text NOT NULL,\n  topic text NOT NULL,\n"
                + "  partition integer NOT NULL,\n  next_offset bigint NOT NULL,\n  updated_at timestamptz NOT NULL DEFAULT now(),\n"
                + "  PRIMARY KEY (job, topic, partition)\n)";
    }

    /**
     * Creates what is missing and adds a column for each aggregate the table lacks. A column whose
     * type differs from what the sink writes is never altered silently: it is an error naming it.
     *
     * @return the statements run to add columns (for the log), empty when the table already fit
     */
    List<String> ensure(Connection c) throws SQLException, SinkException.Fatal {
        List<String> added = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute(createTable());
            s.execute(createOffsets());
            Map<String, String> existing = existingColumns(c);
            for (Column col : columns) {
                String found = existing.get(col.name());
                if (found == null) {
                    String alter = "ALTER TABLE " + qualified + " ADD COLUMN IF NOT EXISTS " + col.quoted() + " " + col.type();
                    s.execute(alter);
                    added.add(alter);
                } else if (!found.equals(col.type())) {
                    throw new SinkException.Fatal("table " + display + ", column " + col.name() + ": is " + found
                            + ", the sink writes " + col.type() + "; run ALTER TABLE " + qualified + " ALTER COLUMN "
                            + col.quoted() + " TYPE " + col.type() + " USING " + col.quoted() + "::" + col.type()
                            + ", or drop the column to have it recreated");
                }
            }
            // created once per connection; its rows go at each commit
            s.execute("CREATE TEMP TABLE IF NOT EXISTS tally_sink_batch (op smallint NOT NULL, key text COLLATE \"C\" NOT NULL,"
                    + " window_start timestamptz NOT NULL, window_end timestamptz" + columns.stream()
                    .map(col -> ", " + col.quoted() + " " + col.type()).collect(Collectors.joining()) + ") ON COMMIT DELETE ROWS");
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return added;
    }

    /** Column name -> type as format_type prints it ("bigint", "double precision", ...). */
    Map<String, String> existingColumns(Connection c) throws SQLException {
        Map<String, String> found = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }

    /** Each column whose type is not what the sink writes, as "name (is T, the sink writes U)". */
    List<String> typeMismatches(Map<String, String> existing) {
        List<String> found = new ArrayList<>();
        List<Column> all = new ArrayList<>(List.of(new Column("key", "text"), new Column("window_start", TIMESTAMPTZ),
                new Column("window_end", TIMESTAMPTZ)));
        all.addAll(columns);
        for (Column c : all) {
            if (!c.type().equals(existing.get(c.name()))) {
                found.add(c.name() + " (" + (existing.containsKey(c.name()) ? "is " + existing.get(c.name()) : "missing")
                        + ", the sink writes " + c.type() + ")");
            }
        }
        return found;
    }

    private static final String TIMESTAMPTZ = "timestamp with time zone";

    /** The columns of a constraint of this table, for an error message. */
    List<String> constraintColumns(Connection c, String constraint) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_constraint k JOIN pg_attribute a"
                + " ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey) WHERE k.conrelid = ?::regclass AND k.conname = ?")) {
            ps.setString(1, qualified);
            ps.setString(2, constraint);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    String copyBatch() {
        return "COPY tally_sink_batch (op, key, window_start, window_end" + columns.stream().map(c -> ", " + c.quoted())
                .collect(Collectors.joining()) + ") FROM STDIN (FORMAT binary)";
    }

    /** final: a batch of new windows straight into the result table (updated_at takes its default, now()). */
    String copyTable() {
        return "COPY " + qualified + " (key, window_start, window_end" + columns.stream().map(c -> ", " + c.quoted())
                .collect(Collectors.joining()) + ") FROM STDIN (FORMAT binary)";
    }

    /** Retracted sessions and dropped global keys: the row goes (a session only if it is still the one retracted). */
    String deleteRows() {
        return "DELETE FROM " + qualified + " t USING tally_sink_batch b WHERE b.op = " + WindowRows.DELETE
                + " AND t.key = b.key AND t.window_start = b.window_start"
                + " AND (b.window_end IS NULL OR b.window_start = '-infinity' OR t.window_end = b.window_end)";
    }

    /** Whether the table is written by {@code emit: changes} (upserts) rather than {@code final} (inserts). */
    boolean upserts() {
        return upsert;
    }

    /**
     * {@code changes}: the newest value of a window replaces the row, with MERGE (PostgreSQL 15; ~25 %
     * faster here than INSERT … ON CONFLICT DO UPDATE, which older servers get; safe because only the partition's fenced owner
     * writes its keys, and a batch holds each (key, window_start) once). {@code final}: a window's one
     * value is inserted, with a plain INSERT (twice as fast as ON CONFLICT here): the offsets make
     * each window arrive once. A conflict can only come from applying a range twice (offsets reset
     * by hand); the batch is then redone with {@code tolerateConflicts}, keeping the row already
     * there, which holds the same value.
     */
    String mergeRows(boolean tolerateConflicts, boolean mergeCommand) {
        String names = columns.stream().map(c -> ", " + c.quoted()).collect(Collectors.joining());
        String values = columns.stream().map(c -> ", b." + c.quoted()).collect(Collectors.joining());
        String conflict = upsert
                ? " ON CONFLICT (key, window_start) DO UPDATE SET window_end = EXCLUDED.window_end"
                + columns.stream().map(c -> ", " + c.quoted() + " = EXCLUDED." + c.quoted()).collect(Collectors.joining())
                + ", updated_at = EXCLUDED.updated_at"
                : tolerateConflicts ? " ON CONFLICT (key, window_start) DO NOTHING" : "";
        if (upsert && mergeCommand) {
            return "MERGE INTO " + qualified + " t USING (SELECT * FROM tally_sink_batch b WHERE b.op = " + WindowRows.UPSERT
                    + ") b ON t.key = b.key AND t.window_start = b.window_start WHEN MATCHED THEN UPDATE SET window_end = b.window_end"
                    + columns.stream().map(c -> ", " + c.quoted() + " = b." + c.quoted()).collect(Collectors.joining())
                    + ", updated_at = now() WHEN NOT MATCHED THEN INSERT (key, window_start, window_end" + names
                    + ", updated_at) VALUES (b.key, b.window_start, b.window_end" + values + ", now())";
        }
        return "INSERT INTO " + qualified + " (key, window_start, window_end" + names + ", updated_at) SELECT b.key, b.window_start, b.window_end"
                + values + ", now() FROM tally_sink_batch b WHERE b.op = " + WindowRows.UPSERT + conflict;
    }

    String lockOffsets() {
        return "SELECT partition, next_offset FROM " + offsets + " WHERE job = ? AND topic = ? AND partition = ANY(?)"
                + " ORDER BY partition FOR UPDATE";
    }

    String readOffsets() {
        return "SELECT partition, next_offset FROM " + offsets + " WHERE job = ? AND topic = ? AND partition = ANY(?)";
    }

    String insertOffset() {
        return "INSERT INTO " + offsets + " (job, topic, partition, next_offset) VALUES (?, ?, ?, 0)"
                + " ON CONFLICT (job, topic, partition) DO NOTHING";
    }

    String updateOffset() {
        return "UPDATE " + offsets + " SET next_offset = ?, updated_at = now() WHERE job = ? AND topic = ? AND partition = ?";
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
