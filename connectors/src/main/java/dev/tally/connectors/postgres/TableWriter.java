package dev.tally.connectors.postgres;

import dev.tally.config.PostgresSinkConfig;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Applies batches of window rows to the table, each batch together with the output topic's next
 * offsets in ONE PostgreSQL transaction. Before writing it locks the batch's offsets rows
 * ({@code SELECT ... FOR UPDATE}) and checks they still hold what this sink last read or wrote:
 * a sink that lost a partition to another finds a different offset and writes nothing.
 * One connection, no pool: a sink writes one batch at a time.
 */
public final class TableWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);
    /** Test-only: {@code -Dtally.crash.sink-before-commit=N} halts the JVM in batch N, rows written, not committed. */
    private static final long CRASH_AT = Long.getLong("tally.crash.sink-before-commit", Long.MAX_VALUE);
    private static final String UNIQUE_VIOLATION = "23505";
    private final PostgresSinkConfig config;
    private final SinkTable table;
    private final String job;
    private Connection connection;
    /** PostgreSQL 15 and later have MERGE. */
    private boolean mergeCommand;
    private long batches;

    public TableWriter(PostgresSinkConfig config, SinkTable table, String job) {
        this.config = config;
        this.table = table;
        this.job = job;
    }

    /** Connects (if not connected) and makes the tables fit the job; returns the columns it added. */
    public List<String> connect() throws SinkException {
        if (connection != null) {
            return List.of();
        }
        try {
            Properties p = new Properties();
            if (config.user() != null) {
                p.setProperty("user", config.user());
            }
            if (config.password() != null) {
                p.setProperty("password", config.password());
            }
            p.putIfAbsent("ApplicationName", "tally-" + job);
            p.putIfAbsent("connectTimeout", "10");
            p.putIfAbsent("tcpKeepAlive", "true");
            connection = DriverManager.getConnection(config.url(), p);
            connection.setAutoCommit(false);
            mergeCommand = connection.getMetaData().getDatabaseMajorVersion() >= 15;
            return table.ensure(connection);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * The next offset of each partition as the database holds it; a partition never written gets a
     * row at 0 (the sink then applies the topic from its beginning).
     */
    public Map<Integer, Long> offsets(String topic, List<Integer> partitions) throws SinkException {
        connect();
        try {
            try (PreparedStatement ins = connection.prepareStatement(table.insertOffset())) {
                for (int p : partitions) {
                    ins.setString(1, job);
                    ins.setString(2, topic);
                    ins.setInt(3, p);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            Map<Integer, Long> found = read(table.readOffsets(), topic, partitions);
            connection.commit();
            return found;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * One transaction: lock and check the offsets, COPY the rows (final: into the result table;
     * otherwise into the batch table, then delete and merge), move the offsets, commit.
     *
     * @param expected partition -> the next offset this sink believes the database holds
     * @param next     partition -> the next offset after this batch (same partitions)
     */
    public void apply(WindowRows rows, String topic, Map<Integer, Long> expected, Map<Integer, Long> next)
            throws SinkException {
        try {
            apply(rows, topic, expected, next, false);
        } catch (SinkException.Fatal e) {
            if (table.upserts() || !(e.getCause() instanceof SQLException s) || !UNIQUE_VIOLATION.equals(s.getSQLState())) {
                throw e;
            }
            LOG.warn("table {}: a final window of this batch is already there (were the offsets in {} reset?);"
                    + " keeping the rows already there", table.name(), SinkTable.OFFSETS);
            apply(rows, topic, expected, next, true);
        }
    }

    private void apply(WindowRows rows, String topic, Map<Integer, Long> expected, Map<Integer, Long> next,
                       boolean tolerateConflicts) throws SinkException {
        connect();
        try {
            Map<Integer, Long> held = read(table.lockOffsets(), topic, new ArrayList<>(expected.keySet()));
            if (!held.equals(expected)) {
                connection.rollback();
                throw new SinkException.Fenced("partitions of " + topic + " moved: the database holds " + held
                        + ", this sink expected " + new TreeMap<>(expected));
            }
            if (rows.rows() > 0 && !table.upserts() && !tolerateConflicts && !rows.hasDeletes()) {
                // final: the offsets just checked make each window of the batch new to the table, so
                // straight in; a 23505 (range applied twice) rolls back and redoes the batch below
                copy(rows, table.copyTable(), true);
                // binary COPY takes the bytes as the column's type says: a column altered between
                // bigint and double would store garbage silently. The COPY's lock keeps the types
                // from changing before commit, so this one look after it is enough.
                List<String> altered = table.typeMismatches(table.existingColumns(connection));
                if (!altered.isEmpty()) {
                    connection.rollback();
                    throw new SinkException.Fatal("table " + table.name() + ", column " + String.join(", ", altered)
                            + ": the table was altered; the batch was not written");
                }
            } else if (rows.rows() > 0) {
                copy(rows, table.copyBatch(), false);
                try (Statement s = connection.createStatement()) {
                    if (rows.hasDeletes()) {
                        s.executeUpdate(table.deleteRows());
                    }
                    if (rows.hasUpserts()) {
                        s.executeUpdate(table.mergeRows(tolerateConflicts, mergeCommand));
                    }
                }
            }
            try (PreparedStatement up = connection.prepareStatement(table.updateOffset())) {
                for (Map.Entry<Integer, Long> e : next.entrySet()) {
                    up.setLong(1, e.getValue());
                    up.setString(2, job);
                    up.setString(3, topic);
                    up.setInt(4, e.getKey());
                    up.addBatch();
                }
                up.executeBatch();
            }
            if (++batches >= CRASH_AT) {
                Runtime.getRuntime().halt(137);
            }
            connection.commit();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private void copy(WindowRows rows, String sql, boolean intoTable) throws SQLException, SinkException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            rows.writeCopy(new BinaryCopy(in::writeToCopy), intoTable);
            in.endCopy();
        } catch (BinaryCopy.BadValue e) {
            in.cancelCopy();
            connection.rollback();
            throw new SinkException.Fatal("table " + table.name() + ", column " + e.column + ": " + e.getMessage());
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private Map<Integer, Long> read(String sql, String topic, List<Integer> partitions) throws SQLException {
        Map<Integer, Long> found = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setString(2, topic);
            Array arr = connection.createArrayOf("integer", partitions.toArray());
            ps.setArray(3, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return found;
    }

    /** Rolls back (best effort) and drops the connection on anything but a data error, then classifies. */
    private SinkException failed(SQLException e) {
        SinkException s = classify(e);
        try {
            if (connection != null && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException rollback) {
            e.addSuppressed(rollback);
            closeQuietly();
        }
        if (s instanceof SinkException.Fatal) {
            return new SinkException.Fatal(describe(e), e);
        }
        if (s instanceof SinkException.Transient) {
            closeQuietly();
        }
        return s;
    }

    /** Data, integrity, schema and syntax errors are fatal; everything else (connection, shutdown, deadlock) is retried. */
    private SinkException classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42") || state.startsWith("3F")) {
            return new SinkException.Fatal(table.name() + ": " + e.getMessage(), e);
        }
        return new SinkException.Transient(e.getMessage(), e);
    }

    /** One line naming the table and, wherever it can be found out, the column. */
    private String describe(SQLException e) {
        ServerErrorMessage m = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String message = m == null ? e.getMessage() : m.getMessage();
        List<String> columns = new ArrayList<>();
        if (connection == null) {
            return "table " + table.name() + ": " + message;
        }
        try {
            if (m != null && m.getColumn() != null) {
                columns.add(m.getColumn());
            } else if (m != null && m.getConstraint() != null) {
                columns.addAll(table.constraintColumns(connection, m.getConstraint()));
            }
            if (columns.isEmpty()) {
                columns.addAll(table.typeMismatches(table.existingColumns(connection)));
            }
            connection.rollback();
        } catch (SQLException lookup) {
            e.addSuppressed(lookup);
        }
        String where = columns.isEmpty() ? "" : ", column " + String.join(", ", columns);
        String detail = m == null || m.getDetail() == null ? "" : " (" + m.getDetail() + ")";
        return "table " + table.name() + where + ": " + message + detail;
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // the connection is dropped because it failed; its close failing too changes nothing
            LOG.debug("closing a failed connection to {}: {}", table.name(), e.getMessage());
        } finally {
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
