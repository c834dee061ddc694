package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The panes of one task as they stand mid-batch, for closing final windows when the hot-pane cache
 * does not hold them in full: the store (which lags by this batch) overlaid with the batch's deltas
 * so far. Each pane is read and decoded at most once per view.
 */
final class PaneView {
    private static final Accumulator[] ABSENT = new Accumulator[0];
    private static final Object PENDING = new Object();

    private final int task;
    private final JobPlan plan;
    private final PaneStore store;
    private final WindowSpec window;
    /** key -> pane -> Accumulator[] (decoded), byte[] (not yet decoded) or ABSENT. */
    private final HashMap<String, TreeMap<Long, Object>> panes = new HashMap<>();
    /** Mid-batch: the batch's deltas so far, merged over the stored value of a pane when it is read. */
    private final Map<String, KeyPanes> deltas;
    private final PaneCache cache;

    PaneView(int task, JobPlan plan, PaneStore store, PaneCache cache, Map<String, KeyPanes> deltas) {
        this.task = task;
        this.plan = plan;
        this.store = store;
        this.window = plan.window;
        this.cache = cache;
        this.deltas = deltas;
    }

    /** A stored value seen in a scan; the batch's own value wins if there is one. */
    void remember(String key, long pane, byte[] bytes) {
        panes.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(pane, bytes);
    }

    private Accumulator[] get(String key, byte[] keyBytes, long pane) {
        TreeMap<Long, Object> byPane = panes.computeIfAbsent(key, k -> new TreeMap<>());
        Object v = byPane.get(pane);
        if (v == null || v == PENDING) {
            v = withDelta(key, pane, committed(key, keyBytes, pane));
            byPane.put(pane, v);
        } else if (v instanceof byte[] b) {
            v = withDelta(key, pane, plan.decode(b));
            byPane.put(pane, v);
        }
        return v == ABSENT ? null : (Accumulator[]) v;
    }

    /** The committed value, shared when it comes from the cache (withDelta copies before merging). */
    private Accumulator[] committed(String key, byte[] keyBytes, long pane) {
        Accumulator[] cached = cache.get(pane, key);
        if (cached != null || cache.knowsAbsent(pane)) {
            return cached;
        }
        byte[] b = store.get(task, pane, keyBytes);
        return b == null ? null : plan.decode(b);
    }

    /** Committed value (may be null, may be shared) plus the batch's delta so far for the pane. */
    private Object withDelta(String key, long pane, Accumulator[] stored) {
        KeyPanes kp = deltas == null ? null : deltas.get(key);
        if (kp != null) {
            for (int i = 0; i < kp.size; i++) {
                if (kp.panes[i] == pane) {
                    Accumulator[] v = JobPlan.copy(stored == null ? kp.deltas[i] : stored);
                    if (stored != null) {
                        JobPlan.mergeInto(v, kp.deltas[i]);
                    }
                    return v;
                }
            }
        }
        return stored == null ? ABSENT : stored;
    }

    /** The panes of the key the view knows of (scanned or overlaid), ascending. */
    /** A pane the batch changed: make the view aware of it even when the store has nothing yet. */
    void noteDirty(String key, long pane) {
        panes.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(pane, PENDING);
    }

    long[] knownPanes(String key) {
        TreeMap<Long, Object> byPane = panes.get(key);
        return byPane == null ? new long[0] : byPane.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Emits every window of the key that starts in [firstStart, lastStart] and holds one of the
     * given panes (ascending). Windows over empty panes only are never visited, however far apart
     * the panes are.
     */
    void emitWindows(String key, byte[] keyBytes, long[] sortedPanes, long firstStart, long lastStart, BatchSink out) {
        long next = firstStart;
        for (long pane : sortedPanes) {
            long from = Math.max(next, window.firstWindowStart(pane));
            long to = Math.min(lastStart, window.lastWindowStart(pane));
            for (long start = from; start <= to; start += window.slide) {
                emitWindow(key, keyBytes, start, out);
                next = start + window.slide;
                if (start > Long.MAX_VALUE - window.slide) {
                    return;
                }
            }
        }
    }

    private void emitWindow(String key, byte[] keyBytes, long start, BatchSink out) {
        Accumulator[] merged = null;
        for (long p = start; p < start + window.size; p += window.paneWidth) {
            Accumulator[] v = get(key, keyBytes, p);
            if (v == null) {
                continue;
            }
            if (merged == null) {
                merged = JobPlan.copy(v);
            } else {
                JobPlan.mergeInto(merged, v);
            }
        }
        if (merged != null) {
            out.window(task, key, start, start + window.size, merged);
        }
    }
}
