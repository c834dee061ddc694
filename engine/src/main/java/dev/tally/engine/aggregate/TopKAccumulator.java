package dev.tally.engine.aggregate;

import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * top_k: a DataSketches frequent-items sketch of the values' string forms, with a map of
 * {@link #mapSize(int)} entries; a count is off by at most 3.5 / mapSize of the items seen (exact while
 * fewer distinct items than about 0.75 * mapSize were seen). Result: the k items with the largest estimated
 * counts as {@code [{"item": "a", "count": 12}, ...]}, largest first, ties by item; null when empty.
 */
final class TopKAccumulator implements Accumulator {
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();
    private static final Comparator<ItemsSketch.Row<String>> ORDER =
            Comparator.<ItemsSketch.Row<String>>comparingLong(ItemsSketch.Row::getEstimate).reversed()
                    .thenComparing(ItemsSketch.Row::getItem);

    private final int k;
    private final int mapSize;
    private final ItemsSketch<String> sketch;

    TopKAccumulator(int k) {
        this(k, mapSize(k), new ItemsSketch<>(mapSize(k)));
    }

    private TopKAccumulator(int k, int mapSize, ItemsSketch<String> sketch) {
        this.k = k;
        this.mapSize = mapSize;
        this.sketch = sketch;
    }

    /** max(32, 8k) rounded up to a power of two, as the sketch requires. */
    static int mapSize(int k) {
        int want = Math.max(32, k * 8);
        return Integer.highestOneBit(want - 1) << 1;
    }

    @Override
    public void add(Object value, long eventTime) {
        if (value != null) {
            sketch.update(value instanceof String s ? s : value.toString());
        }
    }

    @Override
    public void merge(Accumulator other) {
        sketch.merge(((TopKAccumulator) other).sketch);
    }

    @Override
    public Accumulator copy() {
        // merging into an empty sketch of the same size copies counts, stream length and error offset
        ItemsSketch<String> c = new ItemsSketch<>(mapSize);
        c.merge(sketch);
        return new TopKAccumulator(k, mapSize, c);
    }

    @Override
    public void write(ByteSink out) {
        Codec.writeBlob(out, sketch.isEmpty() ? new byte[0] : sketch.toByteArray(SERDE));
    }

    static TopKAccumulator read(int k, ByteBuffer in) {
        byte[] bytes = Codec.readBlob(in);
        int size = mapSize(k);
        return bytes.length == 0
                ? new TopKAccumulator(k)
                : new TopKAccumulator(k, size, ItemsSketch.getInstance(Memory.wrap(bytes), SERDE));
    }

    @Override
    public Object result() {
        if (sketch.isEmpty()) {
            return null;
        }
        // no false negatives: every item that may be in the top k is a candidate; rank them by estimate
        ItemsSketch.Row<String>[] rows = sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES);
        Arrays.sort(rows, ORDER);
        List<Map<String, Object>> out = new ArrayList<>(Math.min(k, rows.length));
        for (int i = 0; i < rows.length && i < k; i++) {
            Map<String, Object> entry = new LinkedHashMap<>(4);
            entry.put("item", rows[i].getItem());
            entry.put("count", rows[i].getEstimate());
            out.add(entry);
        }
        return out;
    }
}
