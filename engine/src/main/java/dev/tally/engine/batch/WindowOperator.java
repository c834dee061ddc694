package dev.tally.engine.batch;

import dev.tally.config.WindowConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

/**
 * The windows of one task, whatever their kind: records are folded in during a batch; at the end
 * of the batch the operator turns what changed into changelog bytes, store writes and window
 * results; after the batch committed (or was dropped) it is told so. One implementation per
 * window kind, each in its own file. Nothing here may write the store directly: the caller
 * applies {@code writes} only after the Kafka transaction committed.
 */
public interface WindowOperator {

    /**
     * The operator for the job's window kind, with the task clock restored from its checkpoint
     * metadata. It may read {@code store} (never write it) to judge stragglers.
     */
    static WindowOperator create(int task, JobPlan plan, PaneStore store, byte[] clockMeta, long wallNow) {
        return create(task, plan, store, clockMeta, wallNow, 0);
    }

    /**
     * {@code sourcePartitions} &gt; 0: a repartition task whose time is the minimum of the watermarks
     * that many source partitions publish ({@link #inputWatermark}); 0: time follows the task's records.
     */
    static WindowOperator create(int task, JobPlan plan, PaneStore store, byte[] clockMeta, long wallNow,
                                 int sourcePartitions) {
        WindowConfig.Type type = plan.job.window().type();
        TaskClock clock = TaskClock.fromBytes(clockMeta, plan.graceMs, wallNow, sourcePartitions);
        return switch (type) {
            case TUMBLING, HOPPING -> new HoppingWindowOperator(task, plan, store, clock);
            case SESSION -> new SessionWindowOperator(task, plan, store, clock);
            case GLOBAL -> new GlobalWindowOperator(task, plan, store, clock);
        };
    }

    int task();

    /** Folds one event; false when it is late (its windows have closed) and was not folded. */
    boolean fold(String key, long eventTime, Object[] inputs, long wallNow);

    /**
     * Merges a partial aggregate combined upstream by a {@link Combiner}; false when late.
     *
     * @param start the partial's pane (or session start)
     * @param end   the largest event time folded into it
     */
    boolean mergePartial(String key, long start, long end, Accumulator[] partial, long wallNow);

    /**
     * A source partition's watermark, read from the repartition topic after the partials that
     * partition sent with it: windows close when the minimum over source partitions passes their end.
     */
    void inputWatermark(int sourcePartition, long watermark);

    /** Ends the batch: advance time, write changed state, emit per the emit mode, expire what closed. */
    void onBatchEnd(PaneStore store, long wallNow, BatchSink out, StoreBatch writes);

    /** The batch committed: its time and state are the new rollback point. */
    default void onCommit() {
    }

    /** The task goes away (moved, restarted, stopped): what it holds of process-wide budgets is given back. */
    default void close() {
    }

    /** End of input ({@code tally test}): the next {@link #onBatchEnd} closes every window. */
    void closeAll(long wallNow);

    long watermark();

    /** The task clock, stored with the task's checkpoint and in its changelog. */
    byte[] clockBytes();
}
