package dev.tally.state;

import java.util.ArrayList;
import java.util.List;

/** Table writes collected on the heap until {@link VersionedTables#apply(TableWrites)} turns them into one atomic write. */
final class PendingTableWrites implements TableWrites {
    record Put(String table, String key, long time, byte[] value, long pruneBefore) {
    }

    record Offset(String table, int partition, long nextOffset) {
    }

    final Object owner;
    final List<Put> puts = new ArrayList<>();
    final List<Offset> offsets = new ArrayList<>();
    private boolean closed;

    PendingTableWrites(Object owner) {
        this.owner = owner;
    }

    @Override
    public void put(String table, String key, long time, byte[] value, long pruneBefore) {
        ensureOpen();
        puts.add(new Put(table, key, time, value == null ? null : value.clone(), pruneBefore));
    }

    @Override
    public void offset(String table, int partition, long nextOffset) {
        ensureOpen();
        offsets.add(new Offset(table, partition, nextOffset));
    }

    @Override
    public int size() {
        return puts.size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("table writes already closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        puts.clear();
        offsets.clear();
    }
}
