package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;

/** Average: an exact-while-integral sum (see {@link SumAccumulator}) and a count; the result is a Double. */
final class AvgAccumulator extends SumAccumulator {
    private long count;

    AvgAccumulator(String label) {
        super(label);
    }

    @Override
    void addLong(long v) {
        plusLong(v);
        count++;
    }

    @Override
    void addDouble(double v) {
        plusDouble(v);
        count++;
    }

    @Override
    public void merge(Accumulator other) {
        AvgAccumulator o = (AvgAccumulator) other;
        mergeSum(o);
        count += o.count;
    }

    @Override
    public Accumulator copy() {
        AvgAccumulator c = new AvgAccumulator(label);
        c.copySumFrom(this);
        c.count = count;
        return c;
    }

    @Override
    public void write(ByteSink out) {
        super.write(out);
        out.writeVarLong(count);
    }

    static AvgAccumulator read(String label, ByteBuffer in) {
        AvgAccumulator a = new AvgAccumulator(label);
        a.readSum(in);
        a.count = Codec.readVarLong(in);
        return a;
    }

    @Override
    public Object result() {
        return count == 0 ? null : sumAsDouble() / count;
    }
}
