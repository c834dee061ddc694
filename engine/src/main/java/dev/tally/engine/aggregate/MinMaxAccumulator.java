package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/**
 * Min or max. A Long while every input is integral, a Double once one is fractional (the long extreme is
 * converted then); NaN inputs are ignored. Null when nothing was added.
 */
final class MinMaxAccumulator extends NumericAccumulator {
    private final boolean max;
    private byte state = EMPTY;
    private long longValue;
    private double doubleValue;

    MinMaxAccumulator(String label, boolean max) {
        super(label);
        this.max = max;
    }

    @Override
    void addLong(long v) {
        if (state == LONG) {
            longValue = max ? Math.max(longValue, v) : Math.min(longValue, v);
        } else if (state == DOUBLE) {
            addDouble(v);
        } else {
            state = LONG;
            longValue = v;
        }
    }

    @Override
    void addDouble(double v) {
        if (Double.isNaN(v)) {
            return;
        }
        if (state == EMPTY) {
            doubleValue = v;
        } else {
            double current = state == LONG ? (double) longValue : doubleValue;
            doubleValue = max ? Math.max(current, v) : Math.min(current, v);
        }
        state = DOUBLE;
    }

    @Override
    public void merge(Accumulator other) {
        MinMaxAccumulator o = (MinMaxAccumulator) other;
        if (o.state == LONG) {
            addLong(o.longValue);
        } else if (o.state == DOUBLE) {
            addDouble(o.doubleValue);
        }
    }

    @Override
    public Accumulator copy() {
        MinMaxAccumulator c = new MinMaxAccumulator(label, max);
        c.state = state;
        c.longValue = longValue;
        c.doubleValue = doubleValue;
        return c;
    }

    @Override
    public void write(ByteSink out) {
        writeNumber(out, state, longValue, doubleValue);
    }

    static MinMaxAccumulator read(String label, boolean max, ByteBuffer in) {
        MinMaxAccumulator a = new MinMaxAccumulator(label, max);
        a.state = checkState(in.get());
        if (a.state == LONG) {
            a.longValue = Codec.readZigzag(in);
        } else if (a.state == DOUBLE) {
            a.doubleValue = in.getDouble();
        }
        return a;
    }

    @Override
    public Object result() {
        return switch (state) {
            case LONG -> longValue;
            case DOUBLE -> doubleValue;
            default -> null;
        };
    }
}
