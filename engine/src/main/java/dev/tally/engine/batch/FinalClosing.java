package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code emit: final} windows closing mid-batch: every window starting in [firstStart, lastStart]
 * that holds data, for every key. The committed panes of the range are read once, from the
 * hot-pane cache where it is authoritative (no store read), else by one store scan; the batch's
 * deltas so far go on top; {@link WindowAssembly} puts each window together.
 */
final class FinalClosing {
    /** One key's panes in the closing range: the committed ones (ascending) and the batch's. */
    private static final class KeyRange implements WindowAssembly.Panes {
        final String key;
        long[] panes = new long[4];
        Accumulator[][] values = new Accumulator[4][];
        int size;
        KeyPanes batch;

        KeyRange(String key) {
            this.key = key;
        }

        void add(long pane, Accumulator[] value) {
            if (size == panes.length) {
                panes = Arrays.copyOf(panes, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            panes[size] = pane;
            values[size++] = value;
        }

        @Override
        public Accumulator[] committed(long pane) {
            int i = Arrays.binarySearch(panes, 0, size, pane);
            return i < 0 ? null : values[i];
        }

        @Override
        public Accumulator[] batch(long pane) {
            int d = batch == null ? -1 : batch.indexOf(pane);
            return d < 0 ? null : batch.deltas[d];
        }

        /** Committed and batch panes in [from, to), ascending, once each (both lists ascend: a merge). */
        long[] anchors(long from, long to) {
            if (batch == null) {
                return size == panes.length ? panes : Arrays.copyOf(panes, size);
            }
            long[] all = new long[size + batch.size];
            int n = 0;
            int c = 0;
            for (int b = 0; b < batch.size; b++) {
                long pane = batch.panes[b];
                if (pane < from || pane >= to) {
                    continue;
                }
                while (c < size && panes[c] < pane) {
                    all[n++] = panes[c++];
                }
                if (c < size && panes[c] == pane) {
                    c++;
                }
                all[n++] = pane;
            }
            while (c < size) {
                all[n++] = panes[c++];
            }
            return Arrays.copyOf(all, n);
        }
    }

    /** A key's panes from the hot-pane cache's maps of the range (one per pane) and the batch's deltas. */
    private static final class CachedKey implements WindowAssembly.Panes {
        final HashMap<String, Accumulator[]>[] byIndex;
        final long firstPane;
        final long paneWidth;
        String key;
        KeyPanes batch;

        CachedKey(HashMap<String, Accumulator[]>[] byIndex, long firstPane, long paneWidth) {
            this.byIndex = byIndex;
            this.firstPane = firstPane;
            this.paneWidth = paneWidth;
        }

        /** The last pane asked for and its index: panes come in ascending steps, so no division on the way. */
        private long lastPane;
        private int lastIndex = -1;

        @Override
        public Accumulator[] committed(long pane) {
            int i = lastIndex >= 0 && pane == lastPane + paneWidth ? lastIndex + 1 : (int) ((pane - firstPane) / paneWidth);
            lastPane = pane;
            lastIndex = i;
            HashMap<String, Accumulator[]> keys = byIndex[i];
            return keys == null ? null : keys.get(key);
        }

        @Override
        public Accumulator[] batch(long pane) {
            int d = batch == null ? -1 : batch.indexOf(pane);
            return d < 0 ? null : batch.deltas[d];
        }
    }

    private FinalClosing() {
    }

    static void close(int task, JobPlan plan, PaneStore store, PaneCache cache, HashMap<String, KeyPanes> dirty,
                      WindowAssembly assembly, long firstStart, long lastStart, long toPane, BatchSink out) {
        Map<Long, HashMap<String, Accumulator[]>> cached = cache.authoritativeRange(firstStart, toPane);
        if (cached != null) {
            fromCache(task, plan.window, cached, dirty, assembly, firstStart, lastStart, toPane, out);
            return;
        }
        Map<String, KeyRange> keys = new LinkedHashMap<>();
        try (PaneCursor c = store.scan(task, firstStart, toPane)) {
            while (c.next()) {
                String key = new String(c.key(), StandardCharsets.UTF_8);
                keys.computeIfAbsent(key, KeyRange::new).add(c.pane(), plan.decode(c.value()));
            }
        }
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            if (hasPaneIn(e.getValue(), firstStart, toPane)) {
                keys.computeIfAbsent(e.getKey(), KeyRange::new).batch = e.getValue();
            }
        }
        for (KeyRange k : keys.values()) {
            long[] anchors = k.anchors(firstStart, toPane);
            assembly.emit(anchors, anchors.length, firstStart, lastStart, k, false,
                    (start, end, value) -> out.window(task, k.key, start, end, value));
        }
    }

    /**
     * The cache holds every committed pane of the range: each key's windows are assembled from the
     * cache's per-pane maps, over every pane of the span that holds data (shared by all keys, so
     * nothing is collected per key); windows of a key without data in them come out empty and are skipped.
     */
    @SuppressWarnings("unchecked")
    private static void fromCache(int task, WindowSpec window, Map<Long, HashMap<String, Accumulator[]>> cached,
                                  HashMap<String, KeyPanes> dirty, WindowAssembly assembly,
                                  long firstStart, long lastStart, long toPane, BatchSink out) {
        Map<String, KeyPanes> keys = new HashMap<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Map.Entry<Long, HashMap<String, Accumulator[]>> e : cached.entrySet()) {
            lo = Math.min(lo, e.getKey());
            hi = Math.max(hi, e.getKey());
            for (String key : e.getValue().keySet()) {
                keys.putIfAbsent(key, null);
            }
        }
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                if (kp.panes[i] >= firstStart && kp.panes[i] < toPane) {
                    keys.put(e.getKey(), kp);
                    lo = Math.min(lo, kp.panes[i]);
                    hi = Math.max(hi, kp.panes[i]);
                }
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        // Only windows holding a pane with data: the closing range can be far wider (end of input, a first batch).
        long first = Math.max(firstStart, window.firstWindowStart(lo));
        long last = Math.min(lastStart, window.lastWindowStart(hi));
        if (last < first) {
            return;
        }
        int n = (int) ((last - first + window.size) / window.paneWidth);
        long[] anchors = new long[n];
        HashMap<String, Accumulator[]>[] byIndex = new HashMap[n];
        for (int i = 0; i < n; i++) {
            anchors[i] = first + i * window.paneWidth;
            byIndex[i] = cached.get(anchors[i]);
        }
        CachedKey panes = new CachedKey(byIndex, first, window.paneWidth);
        for (Map.Entry<String, KeyPanes> e : keys.entrySet()) {
            panes.key = e.getKey();
            panes.batch = e.getValue() != null ? e.getValue() : dirty.get(e.getKey());
            String key = e.getKey();
            assembly.emit(anchors, n, first, last, panes, false, (start, end, value) -> out.window(task, key, start, end, value));
        }
    }

    private static boolean hasPaneIn(KeyPanes kp, long from, long to) {
        int first = kp.indexOf(from);
        first = first >= 0 ? first : -first - 1;
        return first < kp.size && kp.panes[first] < to;
    }
}
