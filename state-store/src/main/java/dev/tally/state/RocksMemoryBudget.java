package dev.tally.state;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One LRU block cache of the whole budget, with a write-buffer manager charged to it, so block
 * cache plus memtables of every store stay within {@code capacity} (Kafka Streams' bounded-memory
 * recipe, but for the whole process instead of per store).
 */
final class RocksMemoryBudget implements MemoryBudget {
    static final long MIN_BYTES = 4L << 20;
    /** Share of the budget memtables may take; the rest is left for data, index and filter blocks. */
    private static final int MEMTABLE_SHARE_DIVISOR = 3;
    /** Index and filter blocks are cached at high priority so scans of data blocks do not evict them. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
    private static final long MIN_WRITE_BUFFER = 1L << 20;
    private static final long MAX_WRITE_BUFFER = 64L << 20;

    private final long capacity;
    private final long writeBufferSize;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;
    private final Set<RocksPaneStore> stores = ConcurrentHashMap.newKeySet();
    private boolean closed;

    RocksMemoryBudget(long bytes) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("memory budget must be at least " + MIN_BYTES + " bytes, was " + bytes);
        }
        RocksDB.loadLibrary();
        this.capacity = bytes;
        long memtables = bytes / MEMTABLE_SHARE_DIVISOR;
        // A few memtables of one store fit in the memtable share; the manager flushes the largest when all stores together exceed it.
        this.writeBufferSize = Math.max(MIN_WRITE_BUFFER, Math.min(MAX_WRITE_BUFFER, memtables / 4));
        this.cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
        this.writeBuffers = new WriteBufferManager(memtables, cache);
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    /** Cache usage, including the memtable reservations charged to it: the budget's total use. */
    @Override
    public long blockCacheBytes() {
        synchronized (this) {
            return closed ? 0 : cache.getUsage();
        }
    }

    @Override
    public long memtableBytes() {
        long sum = 0;
        for (RocksPaneStore store : stores) {
            sum += store.memtableBytes();
        }
        return sum;
    }

    long writeBufferSize() {
        return writeBufferSize;
    }

    LRUCache cache() {
        return cache;
    }

    WriteBufferManager writeBufferManager() {
        return writeBuffers;
    }

    synchronized void register(RocksPaneStore store) {
        if (closed) {
            throw new IllegalStateException("memory budget is closed");
        }
        stores.add(store);
    }

    void unregister(RocksPaneStore store) {
        stores.remove(store);
    }

    /** Fails while stores are open: freeing the cache under a live RocksDB would crash the process. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (!stores.isEmpty()) {
            throw new IllegalStateException("close the " + stores.size() + " open store(s) before their memory budget");
        }
        closed = true;
        writeBuffers.close();
        cache.close();
    }
}
