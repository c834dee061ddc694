package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/** Makes and decodes accumulators of one named aggregate of a job. */
public interface AggregateFunction {

    /** The name the job gave this aggregate: its field in the output JSON. */
    String name();

    Accumulator create();

    /** Reads an accumulator written by {@link Accumulator#write(ByteSink)}, advancing the buffer past it. */
    Accumulator read(ByteBuffer in);
}
