package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes the accumulators of one pane (one per aggregate of the job, in the job's order) as one byte[]:
 * a format version byte, then each accumulator's own encoding. Holds a reusable buffer, so one instance
 * per thread.
 */
public final class PaneCodec {
    /** The current format; bump it (and keep reading the old one) when an encoding changes. */
    static final byte VERSION = 1;

    private final List<AggregateFunction> functions;
    private final ByteSink sink = new ByteSink(256);

    public PaneCodec(List<AggregateFunction> functions) {
        this.functions = List.copyOf(functions);
    }

    public List<AggregateFunction> functions() {
        return functions;
    }

    /** Fresh empty accumulators, one per aggregate. */
    public Accumulator[] create() {
        Accumulator[] pane = new Accumulator[functions.size()];
        for (int i = 0; i < pane.length; i++) {
            pane[i] = functions.get(i).create();
        }
        return pane;
    }

    public byte[] encode(Accumulator[] pane) {
        if (pane.length != functions.size()) {
            throw new IllegalArgumentException("pane has " + pane.length + " accumulators, the job " + functions.size());
        }
        sink.reset();
        sink.writeByte(VERSION);
        for (Accumulator a : pane) {
            a.write(sink);
        }
        return sink.toByteArray();
    }

    public Accumulator[] decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Decodes from the buffer's position to its limit; the whole remainder must be one pane. */
    public Accumulator[] decode(ByteBuffer buffer) {
        // accumulators read big-endian, as ByteSink writes
        ByteBuffer in = buffer.order() == ByteOrder.BIG_ENDIAN ? buffer : buffer.slice().order(ByteOrder.BIG_ENDIAN);
        int version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown pane format version " + version + " (this build reads " + VERSION + ")");
        }
        Accumulator[] pane = new Accumulator[functions.size()];
        for (int i = 0; i < pane.length; i++) {
            pane[i] = functions.get(i).read(in);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes left after the pane's " + pane.length
                    + " accumulators: the job's aggregates do not match the stored pane");
        }
        buffer.position(buffer.limit());
        return pane;
    }
}
