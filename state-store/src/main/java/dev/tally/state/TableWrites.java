package dev.tally.state;

/**
 * The table writes of one load step, applied atomically by {@link TableStore#apply(TableWrites)}.
 * Not thread-safe: one batch belongs to one thread.
 */
public interface TableWrites extends AutoCloseable {

    /**
     * Adds a version of {@code key} valid from {@code time}; a null {@code value} is a tombstone.
     * Versions of the key that stopped being valid at or before {@code pruneBefore} are dropped
     * when the batch is applied ({@link Long#MIN_VALUE}: keep them all, e.g. while loading a backlog).
     */
    void put(String table, String key, long time, byte[] value, long pruneBefore);

    /** Records that the table reflects its topic partition up to (not including) {@code nextOffset}. */
    void offset(String table, int partition, long nextOffset);

    /** Number of versions added so far. */
    int size();

    @Override
    void close();
}
