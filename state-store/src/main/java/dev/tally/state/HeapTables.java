package dev.tally.state;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** The heap twin of {@link RocksTables}, for {@code tally test} and tests: the same layout in a sorted map. */
final class HeapTables extends VersionedTables {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);

    HeapTables() {
        super(0);
    }

    @Override
    byte[] get(byte[] key) {
        lock.readLock().lock();
        try {
            return entries.get(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    void scan(byte[] from, byte[] to, Visitor visitor) {
        lock.readLock().lock();
        try {
            for (Map.Entry<byte[], byte[]> e : entries.subMap(from, true, to, false).entrySet()) {
                if (!visitor.visit(e.getKey(), e.getValue())) {
                    return;
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    void write(List<Write> writes) {
        lock.writeLock().lock();
        try {
            for (Write w : writes) {
                if (w.end() != null) {
                    entries.subMap(w.key(), true, w.end(), false).clear();
                } else {
                    entries.put(w.key(), w.value());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long approximateVersions(String table) {
        byte[] prefix = TableKeyLayout.tableKey(TableKeyLayout.VERSION, table);
        lock.readLock().lock();
        try {
            return entries.subMap(prefix, true, TableKeyLayout.prefixEnd(prefix), false).size();
        } finally {
            lock.readLock().unlock();
        }
    }
}
