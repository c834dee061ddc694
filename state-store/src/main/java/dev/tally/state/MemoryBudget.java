package dev.tally.state;

/**
 * One memory budget for RocksDB in this process: a shared block cache and a write-buffer manager
 * charged to it, used by every store of every job. Create one per process, close it last.
 */
public interface MemoryBudget extends AutoCloseable {

    long capacityBytes();

    /** Bytes held by the shared block cache now. */
    long blockCacheBytes();

    /** Bytes held by memtables of all stores now. */
    long memtableBytes();

    @Override
    void close();
}
