package dev.tally.engine.aggregate;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * quantiles: a DataSketches KLL doubles sketch, k = 200 (normalised rank error about 1.65%). Result: a map
 * from rank name to value, e.g. {@code {"p50": 12.0, "p99_9": 80.5}}, in the job's order; null when empty.
 */
final class QuantilesAccumulator extends NumericAccumulator {
    static final int K = 200;
    private final Ranks ranks;
    private KllDoublesSketch sketch;

    /** The ranks of one aggregate and their names, shared by all its accumulators. */
    record Ranks(double[] values, String[] names) {
    }

    QuantilesAccumulator(String label, Ranks ranks) {
        this(label, ranks, KllDoublesSketch.newHeapInstance(K));
    }

    private QuantilesAccumulator(String label, Ranks ranks, KllDoublesSketch sketch) {
        super(label);
        this.ranks = ranks;
        this.sketch = sketch;
    }

    @Override
    void addLong(long v) {
        sketch.update((double) v);
    }

    @Override
    void addDouble(double v) {
        sketch.update(v);
    }

    @Override
    public void merge(Accumulator other) {
        KllDoublesSketch o = ((QuantilesAccumulator) other).sketch;
        if (!o.isEmpty()) {
            sketch.merge(o);
        }
    }

    @Override
    public Accumulator copy() {
        return new QuantilesAccumulator(label, ranks, KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray())));
    }

    @Override
    public void write(ByteSink out) {
        Codec.writeBlob(out, sketch.isEmpty() ? new byte[0] : sketch.toByteArray());
    }

    static QuantilesAccumulator read(String label, Ranks ranks, ByteBuffer in) {
        byte[] bytes = Codec.readBlob(in);
        return bytes.length == 0
                ? new QuantilesAccumulator(label, ranks)
                : new QuantilesAccumulator(label, ranks, KllDoublesSketch.heapify(Memory.wrap(bytes)));
    }

    @Override
    public Object result() {
        if (sketch.isEmpty()) {
            return null;
        }
        double[] values = sketch.getQuantiles(ranks.values(), QuantileSearchCriteria.INCLUSIVE);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(ranks.names()[i], values[i]);
        }
        return out;
    }
}
