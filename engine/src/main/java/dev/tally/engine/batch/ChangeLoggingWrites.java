package dev.tally.engine.batch;

import dev.tally.state.StoreBatch;

/**
 * The one way an operator changes its task's state (Kafka Streams' change-logging store layer is
 * the model): every write goes into the batch's store writes and into the changelog together, so
 * local state and changelog cannot diverge by a forgotten half. The store writes are applied only
 * after the batch's transaction committed.
 */
final class ChangeLoggingWrites {
    private final int task;
    private final StoreBatch writes;
    private final BatchSink out;

    ChangeLoggingWrites(int task, StoreBatch writes, BatchSink out) {
        this.task = task;
        this.writes = writes;
        this.out = out;
    }

    void put(long pane, byte[] key, byte[] value) {
        out.changelog(task, pane, key, value);
        writes.put(task, pane, key, value);
    }

    /** Deleted locally and tombstoned in the changelog, so compaction drops it there too. */
    void delete(long pane, byte[] key) {
        writes.delete(task, pane, key);
        out.changelog(task, pane, key, null);
    }

    /**
     * Drops every pane before {@code pane} locally, in bulk. No tombstones: pane records age out of
     * the changelog ({@code compact,delete}, retention derived from size + grace). Anything kept in
     * a compact-only changelog must be {@link #delete}d one by one instead.
     */
    void expirePanesBefore(long pane) {
        writes.deletePanesBefore(task, pane);
    }

    /** The task clock, after the batch's state records. */
    void clock(byte[] bytes) {
        out.taskMeta(task, bytes);
    }
}
