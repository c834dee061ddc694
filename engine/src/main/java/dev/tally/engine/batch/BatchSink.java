package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

/** Where a finished batch's results go: the Kafka transaction in the service, a list in {@code tally test}. */
public interface BatchSink {

    /** A window's value to emit (a change, or its final value). */
    void window(int task, String key, long start, long end, Accumulator[] value);

    /**
     * A window that no longer exists: a session merged into a larger one (emit changes), or a
     * global key dropped after its idle timeout ({@code start == Long.MIN_VALUE}).
     */
    void retract(int task, String key, long start, long end);

    /** The new bytes of a store entry this batch changed, for the changelog; null = deleted. */
    void changelog(int task, long pane, byte[] key, byte[] value);

    /** The task's clock (stream time, emitted watermark), for the changelog. */
    void taskMeta(int task, byte[] meta);
}
