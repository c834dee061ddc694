package dev.tally.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The heap twin of the RocksDB store. It keeps entries under the same {@link PaneKeyLayout} keys
 * in an unsigned-byte-ordered map, so both stores order scans identically by construction.
 * A write lock makes each batch atomic; a scan copies its range under the read lock, as a
 * RocksDB iterator sees the state of the moment it was created.
 */
final class HeapPaneStore implements PaneStore {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<Integer, byte[]> checkpoints = new HashMap<>();
    private final HeapTables tables = new HeapTables();
    private long bytes;
    private volatile boolean closed;

    @Override
    public TableStore tables() {
        ensureOpen();
        return tables;
    }

    @Override
    public byte[] get(int task, long pane, byte[] key) {
        byte[] fullKey = PaneKeyLayout.key(task, pane, key);
        lock.readLock().lock();
        try {
            ensureOpen();
            byte[] value = entries.get(fullKey);
            return value == null ? null : value.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public PaneCursor scan(int task, long fromPane, long toPane) {
        byte[] from = PaneKeyLayout.paneStart(task, fromPane);
        byte[] to = PaneKeyLayout.paneStart(task, toPane);
        lock.readLock().lock();
        try {
            ensureOpen();
            if (Arrays.compareUnsigned(from, to) >= 0) {
                return new HeapPaneCursor(List.of());
            }
            return new HeapPaneCursor(new ArrayList<>(entries.subMap(from, true, to, false).entrySet()));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public TaskCheckpoint checkpoint(int task) {
        PaneKeyLayout.checkTask(task);
        lock.readLock().lock();
        try {
            ensureOpen();
            byte[] stored = checkpoints.get(task);
            return stored == null ? TaskCheckpoint.NONE : PaneKeyLayout.decodeCheckpoint(stored);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public StoreBatch newBatch() {
        ensureOpen();
        return new HeapStoreBatch(this);
    }

    @Override
    public void apply(StoreBatch batch) {
        if (!(batch instanceof HeapStoreBatch heapBatch) || !heapBatch.belongsTo(this)) {
            throw new IllegalArgumentException("batch was not created by this store's newBatch()");
        }
        List<HeapStoreBatch.Op> ops = heapBatch.ops();
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (HeapStoreBatch.Op op : ops) {
                applyOp(op);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void applyOp(HeapStoreBatch.Op op) {
        if (op instanceof HeapStoreBatch.Put put) {
            byte[] previous = entries.put(put.key(), put.value());
            bytes += put.value().length;
            bytes -= previous == null ? -put.key().length : previous.length;
        } else if (op instanceof HeapStoreBatch.Delete delete) {
            remove(delete.key());
        } else if (op instanceof HeapStoreBatch.DeleteRange range) {
            if (Arrays.compareUnsigned(range.from(), range.to()) < 0) {
                removeRange(range.from(), range.to());
            }
        } else if (op instanceof HeapStoreBatch.Checkpoint checkpoint) {
            checkpoints.put(checkpoint.task(), checkpoint.record());
        } else {
            throw new IllegalStateException("unknown batch operation " + op);
        }
    }

    private void remove(byte[] fullKey) {
        byte[] previous = entries.remove(fullKey);
        if (previous != null) {
            bytes -= fullKey.length + previous.length;
        }
    }

    private void removeRange(byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> range = entries.subMap(from, true, to, false);
        for (Map.Entry<byte[], byte[]> entry : range.entrySet()) {
            bytes -= entry.getKey().length + entry.getValue().length;
        }
        range.clear();
    }

    @Override
    public void dropTask(int task) {
        byte[] from = PaneKeyLayout.taskStart(task);
        byte[] to = PaneKeyLayout.taskEnd(task);
        lock.writeLock().lock();
        try {
            ensureOpen();
            removeRange(from, to);
            checkpoints.remove(task);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long approximateEntries() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return entries.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Key and value bytes held; there is no disk. */
    @Override
    public long approximateBytes() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            entries.clear();
            checkpoints.clear();
            bytes = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
