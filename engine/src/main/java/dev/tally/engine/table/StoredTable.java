package dev.tally.engine.table;

import dev.tally.config.TableConfig;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.TableProjection;
import dev.tally.engine.record.TableRow;
import dev.tally.engine.record.TableView;
import dev.tally.state.TableStore;
import dev.tally.state.TableVersion;
import dev.tally.state.TableWrites;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One table of a job over the local {@link TableStore}: how its records are written (projected,
 * versioned by their timestamp, tombstones as deletions) and how lookups read them, including the
 * history rule: a lookup older than the table's newest record minus {@code history} is a miss with
 * that reason, never a silently newer value (Kafka Streams' versioned stores, KIP-914, behave alike).
 */
public final class StoredTable implements TableView {
    /** Why a table record was not stored; each kind is counted and logged once. */
    public enum Rejection { NO_KEY, UNDECODABLE }

    private final TableConfig config;
    private final TableProjection projection;
    private final TableStore store;
    private final String storageName;
    private final long historyMs;
    private final LongAdder dropped = new LongAdder();

    public StoredTable(TableConfig config, TableProjection projection, TableStore store) {
        this.config = config;
        this.projection = projection;
        this.store = store;
        this.storageName = projection.storageName(config.name(), config.topic());
        this.historyMs = config.history().toMillis();
    }

    public TableConfig config() {
        return config;
    }

    /** The name the store keeps this table's versions and offsets under. */
    public String storageName() {
        return storageName;
    }

    @Override
    public List<String> fields() {
        return projection.fields();
    }

    @Override
    public TableRow lookup(String key, long asOf) {
        long newest = store.newestTime(storageName);
        if (asOf != Long.MAX_VALUE && newest != Long.MIN_VALUE && asOf < newest - historyMs) {
            return TableRow.miss("time " + shown(asOf) + " is older than the table's history (" + config.history()
                    + " before its newest record, " + shown(newest) + ")");
        }
        TableVersion v = store.lookup(storageName, key, asOf);
        String when = asOf == Long.MAX_VALUE ? "" : " at " + shown(asOf);
        if (v == null) {
            return TableRow.miss("no row for key \"" + key + "\"" + when);
        }
        if (v.deleted()) {
            return TableRow.miss("key \"" + key + "\" was deleted at " + shown(v.time()) + (when.isEmpty() ? "" : " (looked up" + when + ")"));
        }
        return TableRow.hit(projection.decode(v.value()));
    }

    @Override
    public void dropped() {
        dropped.increment();
    }

    /** Records dropped for want of a row ({@code missing: drop}). */
    public long droppedCount() {
        return dropped.sum();
    }

    /**
     * Adds one table record to {@code writes}: a version valid from {@code time}, a tombstone for a
     * null value. {@code following}: the table is live, so versions replaced before its history are
     * pruned as keys are written (while loading a backlog they are kept, to load at full speed).
     *
     * @return null when stored, else why not (the record is skipped)
     */
    public Rejection add(TableWrites writes, byte[] key, byte[] value, long time, boolean following) {
        if (key == null || key.length == 0) {
            return Rejection.NO_KEY;
        }
        byte[] row = null;
        if (value != null) {
            try {
                row = projection.project(value);
            } catch (BadRecordException e) {
                return Rejection.UNDECODABLE;
            }
        }
        long newest = store.newestTime(storageName);
        long pruneBefore = following && newest != Long.MIN_VALUE ? Math.max(newest, time) - historyMs : Long.MIN_VALUE;
        writes.put(storageName, new String(key, StandardCharsets.UTF_8), time, row, pruneBefore);
        return null;
    }

    private static String shown(long time) {
        return Instant.ofEpochMilli(time).toString();
    }
}
