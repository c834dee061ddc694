package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/**
 * The mutable running value of one named aggregate over one pane (or window, or session).
 * Accumulators of the same {@link AggregateFunction} merge, which is what makes panes,
 * pre-aggregation before the repartition topic, and restore from bytes work.
 */
public interface Accumulator {

    /**
     * Folds one input in.
     *
     * @param value     the aggregate's input field value (Number, String, Boolean...), null for count
     * @param eventTime the record's time, for first/last
     */
    void add(Object value, long eventTime);

    /** Folds another accumulator of the same function into this one. */
    void merge(Accumulator other);

    /** An independent copy: merging into the copy leaves this one unchanged. */
    Accumulator copy();

    /** Appends the compact encoding; {@link AggregateFunction#read(ByteBuffer)} reads it back. */
    void write(ByteSink out);

    /** The value for the output JSON: Long, Double, String, List or Map (null when nothing was added). */
    Object result();
}
