package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/**
 * Sum: exact long arithmetic while every input is integral; a double from the first fractional input on
 * (and, rather than wrap around, once the long sum overflows). Null when nothing was added.
 */
class SumAccumulator extends NumericAccumulator {
    byte state = EMPTY;
    long longSum;
    double doubleSum;

    SumAccumulator(String label) {
        super(label);
    }

    @Override
    void addLong(long v) {
        plusLong(v);
    }

    @Override
    void addDouble(double v) {
        plusDouble(v);
    }

    final void plusLong(long v) {
        if (state == LONG) {
            long r = longSum + v;
            if (((longSum ^ r) & (v ^ r)) < 0) {
                state = DOUBLE;
                doubleSum = (double) longSum + v;
            } else {
                longSum = r;
            }
        } else if (state == DOUBLE) {
            doubleSum += v;
        } else {
            state = LONG;
            longSum = v;
        }
    }

    final void plusDouble(double v) {
        if (state == LONG) {
            doubleSum = longSum;
        } else if (state == EMPTY) {
            doubleSum = 0.0;
        }
        state = DOUBLE;
        doubleSum += v;
    }

    final void mergeSum(SumAccumulator o) {
        if (o.state == LONG) {
            plusLong(o.longSum);
        } else if (o.state == DOUBLE) {
            plusDouble(o.doubleSum);
        }
    }

    @Override
    public void merge(Accumulator other) {
        mergeSum((SumAccumulator) other);
    }

    @Override
    public Accumulator copy() {
        SumAccumulator c = new SumAccumulator(label);
        c.copySumFrom(this);
        return c;
    }

    final void copySumFrom(SumAccumulator o) {
        state = o.state;
        longSum = o.longSum;
        doubleSum = o.doubleSum;
    }

    @Override
    public void write(ByteSink out) {
        writeNumber(out, state, longSum, doubleSum);
    }

    final void readSum(ByteBuffer in) {
        state = checkState(in.get());
        if (state == LONG) {
            longSum = Codec.readZigzag(in);
        } else if (state == DOUBLE) {
            doubleSum = in.getDouble();
        }
    }

    static SumAccumulator read(String label, ByteBuffer in) {
        SumAccumulator a = new SumAccumulator(label);
        a.readSum(in);
        return a;
    }

    /** The sum as a double, for avg. */
    final double sumAsDouble() {
        return state == LONG ? (double) longSum : doubleSum;
    }

    @Override
    public Object result() {
        return switch (state) {
            case LONG -> longSum;
            case DOUBLE -> doubleSum;
            default -> null;
        };
    }
}
