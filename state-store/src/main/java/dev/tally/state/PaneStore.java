package dev.tally.state;

/**
 * The local state of one job on this instance: the accumulator bytes of every (task, pane, key),
 * and, per task, the changelog position the stored state reflects.
 *
 * <p>The store is a cache of the job's changelog topic. It is only ever written with
 * {@link #apply(StoreBatch)}, after the Kafka transaction that carried the same changes committed,
 * so it may lag the changelog but never lead it. A pane is identified by its start time; non-pane
 * state (a global window, a session) uses the same slot for its own time coordinate.
 *
 * <p>Keys within one (task, pane) iterate in unsigned lexicographic byte order; panes of one task
 * iterate in ascending time order (negative times first).
 *
 * <p>Tasks are partition numbers: every method throws {@link IllegalArgumentException} for a
 * negative task. Reads may run on other threads while a batch is applied and see it either whole
 * or not at all; {@link #close()} must not race with other calls. Storage failures surface as
 * {@link StateStoreException}.
 */
public interface PaneStore extends AutoCloseable {

    /** The stored value, or null. */
    byte[] get(int task, long pane, byte[] key);

    /**
     * All entries of one task with {@code fromPane <= pane < toPane}, ordered by pane, then key, as
     * they stand when the scan starts. Close it; closing the store closes cursors still open.
     */
    PaneCursor scan(int task, long fromPane, long toPane);

    /** The last checkpoint applied for the task, or {@link TaskCheckpoint#NONE}. */
    TaskCheckpoint checkpoint(int task);

    /** A new empty batch; nothing is visible until {@link #apply(StoreBatch)}. */
    StoreBatch newBatch();

    /**
     * Applies every put, delete, range delete and checkpoint of the batch atomically (one RocksDB
     * WriteBatch, written to the WAL), in the order they were added. The batch must come from this
     * store's {@link #newBatch()}; close it afterwards.
     */
    void apply(StoreBatch batch);

    /** Removes every entry and the checkpoint of a task (the task moved away, or its local copy is unusable). */
    void dropTask(int task);

    /**
     * The job's versioned lookup tables, kept in the same store (and, for RocksDB, the same memory
     * budget). Both stores of {@link StateStores} have them; a store made for a test may not.
     */
    default TableStore tables() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no lookup tables");
    }

    /** Approximate number of entries, for metrics. */
    long approximateEntries();

    /** Approximate bytes on disk (SST files and memtables), for metrics. */
    long approximateBytes();

    @Override
    void close();
}
