package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/**
 * Count. Without a field it counts events; with a field, like SQL's {@code COUNT(field)}, only the events
 * where the field is present (the caller passes null for a missing field). 0 when nothing was counted.
 */
final class CountAccumulator implements Accumulator {
    private final boolean countNulls;
    private long count;

    CountAccumulator(boolean countNulls) {
        this.countNulls = countNulls;
    }

    @Override
    public void add(Object value, long eventTime) {
        if (countNulls || value != null) {
            count++;
        }
    }

    @Override
    public void merge(Accumulator other) {
        count += ((CountAccumulator) other).count;
    }

    @Override
    public Accumulator copy() {
        CountAccumulator c = new CountAccumulator(countNulls);
        c.count = count;
        return c;
    }

    @Override
    public void write(ByteSink out) {
        out.writeVarLong(count);
    }

    static CountAccumulator read(boolean countNulls, ByteBuffer in) {
        CountAccumulator c = new CountAccumulator(countNulls);
        c.count = Codec.readVarLong(in);
        return c;
    }

    @Override
    public Object result() {
        return count;
    }
}
