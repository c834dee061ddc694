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

        /** Committed and batch panes in [from, to), ascending, once each. */
        long[] anchors(long from, long to) {
            long[] all = Arrays.copyOf(panes, size + (batch == null ? 0 : batch.size));
            int n = size;
            for (int i = 0; batch != null && i < batch.size; i++) {
                if (batch.panes[i] >= from && batch.panes[i] < to) {
                    all[n++] = batch.panes[i];
                }
            }
            Arrays.sort(all, 0, n);
            int unique = 0;
            for (int i = 0; i < n; i++) {
                if (unique == 0 || all[unique - 1] != all[i]) {
                    all[unique++] = all[i];
                }
            }
            return Arrays.copyOf(all, unique);
        }
    }

    private FinalClosing() {
    }

    static void close(int task, JobPlan plan, PaneStore store, PaneCache cache, HashMap<String, KeyPanes> dirty,
                      WindowAssembly assembly, long firstStart, long lastStart, long toPane, BatchSink out) {
        Map<String, KeyRange> keys = new LinkedHashMap<>();
        Map<Long, HashMap<String, Accumulator[]>> cached = cache.authoritativeRange(firstStart, toPane);
        if (cached != null) {
            for (Map.Entry<Long, HashMap<String, Accumulator[]>> pane : cached.entrySet()) {
                for (Map.Entry<String, Accumulator[]> e : pane.getValue().entrySet()) {
                    keys.computeIfAbsent(e.getKey(), KeyRange::new).add(pane.getKey(), e.getValue());
                }
            }
        } else {
            try (PaneCursor c = store.scan(task, firstStart, toPane)) {
                while (c.next()) {
                    String key = new String(c.key(), StandardCharsets.UTF_8);
                    keys.computeIfAbsent(key, KeyRange::new).add(c.pane(), plan.decode(c.value()));
                }
            }
        }
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            int first = kp.indexOf(firstStart);
            first = first >= 0 ? first : -first - 1;
            if (first < kp.size && kp.panes[first] < toPane) {
                keys.computeIfAbsent(e.getKey(), KeyRange::new).batch = kp;
            }
        }
        for (KeyRange k : keys.values()) {
            long[] anchors = k.anchors(firstStart, toPane);
            assembly.emit(anchors, anchors.length, firstStart, lastStart, k, false,
                    (start, end, value) -> out.window(task, k.key, start, end, value));
        }
    }
}
