package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.util.HashMap;
import java.util.Map;

/**
 * Final windows closing over panes the hot-pane cache holds in full (it is authoritative there):
 * each window merges its panes straight from the cache plus the batch's deltas so far, one lookup
 * per pane, no store read. The hopping operator's fast path for {@code emit: final}.
 */
final class CachedClosing {
    private CachedClosing() {
    }

    /** Closes the final windows in [closingFrom, closingTo] (starts) into {@code collect}. */
    static void close(int task, WindowSpec window, Map<Long, HashMap<String, Accumulator[]>> cached,
                      HashMap<String, KeyPanes> dirty, long closingFrom, long closingTo, long toPane, BatchSink collect) {
        java.util.HashSet<String> keys = new java.util.HashSet<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Map.Entry<Long, HashMap<String, Accumulator[]>> e : cached.entrySet()) {
            lo = Math.min(lo, e.getKey());
            hi = Math.max(hi, e.getKey());
            keys.addAll(e.getValue().keySet());
        }
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                if (kp.panes[i] >= closingFrom && kp.panes[i] < toPane) {
                    keys.add(e.getKey());
                    lo = Math.min(lo, kp.panes[i]);
                    hi = Math.max(hi, kp.panes[i]);
                }
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        // Only windows holding a pane with data: the closing range can be far wider (end of input, a first batch).
        long firstStart = Math.max(closingFrom, window.firstWindowStart(lo));
        long lastStart = Math.min(closingTo, window.lastWindowStart(hi));
        if (lastStart < firstStart) {
            return;
        }
        int n = (int) ((lastStart - firstStart + window.size) / window.paneWidth);
        @SuppressWarnings("unchecked")
        HashMap<String, Accumulator[]>[] byIndex = new HashMap[n];
        for (Map.Entry<Long, HashMap<String, Accumulator[]>> e : cached.entrySet()) {
            long idx = (e.getKey() - firstStart) / window.paneWidth;
            if (e.getKey() >= firstStart && idx < n) {
                byIndex[(int) idx] = e.getValue();
            }
        }
        int panesPerWindow = (int) (window.size / window.paneWidth);
        for (String key : keys) {
            KeyPanes kp = dirty.get(key);
            for (long start = firstStart; start <= lastStart; start += window.slide) {
                Accumulator[] merged = null;
                int first = (int) ((start - firstStart) / window.paneWidth);
                for (int i = first; i < first + panesPerWindow; i++) {
                    Accumulator[] v = byIndex[i] == null ? null : byIndex[i].get(key);
                    merged = mergeCopy(merged, v);
                    if (kp != null) {
                        merged = mergeCopy(merged, deltaOf(kp, firstStart + (long) i * window.paneWidth));
                    }
                }
                if (merged != null) {
                    collect.window(task, key, start, start + window.size, merged);
                }
            }
        }
    }

    private static Accumulator[] mergeCopy(Accumulator[] into, Accumulator[] v) {
        if (v == null) {
            return into;
        }
        if (into == null) {
            return JobPlan.copy(v);
        }
        JobPlan.mergeInto(into, v);
        return into;
    }

    private static Accumulator[] deltaOf(KeyPanes kp, long pane) {
        int d = kp.indexOf(pane);
        return d < 0 ? null : kp.deltas[d];
    }
}
