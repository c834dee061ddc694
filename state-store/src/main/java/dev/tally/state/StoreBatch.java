package dev.tally.state;

/**
 * The writes of one committed batch, applied atomically by {@link PaneStore#apply(StoreBatch)}.
 * Arguments are copied when added, so callers may reuse their arrays. A batch closed without being
 * applied leaves the store untouched. Not thread-safe: one batch belongs to one thread.
 */
public interface StoreBatch extends AutoCloseable {

    void put(int task, long pane, byte[] key, byte[] value);

    void delete(int task, long pane, byte[] key);

    /** Deletes every entry of the task whose pane is before {@code pane}: expiry in bulk, not key by key. */
    void deletePanesBefore(int task, long pane);

    /** Records the changelog position and engine metadata (stream time, emitted watermark) the task's state reflects. */
    void checkpoint(int task, TaskCheckpoint checkpoint);

    /** Number of operations added so far (puts, deletes, range deletes and checkpoints). */
    int size();

    /** Releases native memory; a batch is closed after it was applied or abandoned. */
    @Override
    void close();
}
