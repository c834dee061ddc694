package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;

/**
 * Computes the windows of one key that a batch changed, from the batch's panes of that key and
 * the committed panes around them (the hot-pane cache first, then the store). Each window is
 * merged into one fresh accumulator: no copies of shared values, no per-key maps.
 */
final class KeyWindows {
    private final int task;
    private final JobPlan plan;
    private final WindowSpec window;
    private final PaneStore store;
    private final PaneCache cache;

    KeyWindows(int task, JobPlan plan, PaneStore store, PaneCache cache) {
        this.task = task;
        this.plan = plan;
        this.window = plan.window;
        this.store = store;
        this.cache = cache;
    }

    /**
     * Emits every window starting in [firstStart, lastStart] that holds one of the key's batch panes.
     *
     * @param atBatchEnd true: the batch panes hold full values ({@link KeyPanes#full}); false
     *                   (mid-batch): they hold deltas, merged over the committed values
     */
    void emit(String key, KeyPanes kp, long firstStart, long lastStart, boolean atBatchEnd, BatchSink out) {
        if (panesPerWindow() == 1) {
            emitTumbling(kp, firstStart, lastStart, atBatchEnd, out);
            return;
        }
        // the key's panes are kept sorted
        long from = Math.max(firstStart, window.firstWindowStart(kp.panes[0]));
        long to = Math.min(lastStart, window.lastWindowStart(kp.panes[kp.size - 1]));
        if (to < from) {
            return;
        }
        // Every pane of the span is looked up once, however many windows share it.
        long spanStart = from;
        int n = (int) ((to - from + window.size) / window.paneWidth);
        Accumulator[][] committed = new Accumulator[n][];
        Accumulator[][] batch = new Accumulator[n][];
        boolean[] read = new boolean[n];
        long next = from;
        for (int p = 0; p < kp.size; p++) {
            long pane = kp.panes[p];
            long wFrom = Math.max(next, window.firstWindowStart(pane));
            long wTo = Math.min(to, window.lastWindowStart(pane));
            for (long start = wFrom; start <= wTo; start += window.slide) {
                Accumulator[] merged = null;
                int first = (int) ((start - spanStart) / window.paneWidth);
                for (int i = first; i < first + panesPerWindow(); i++) {
                    if (!read[i]) {
                        read[i] = true;
                        long q = spanStart + i * window.paneWidth;
                        int d = kp.indexOf(q);
                        batch[i] = d < 0 ? null : atBatchEnd ? kp.full[d] : kp.deltas[d];
                        committed[i] = d >= 0 && atBatchEnd ? null : committed(key, kp.keyBytes, q);
                    }
                    merged = merge(merge(merged, committed[i]), batch[i]);
                }
                if (merged != null) {
                    out.window(task, key, start, start + window.size, merged);
                }
                next = start + window.slide;
            }
        }
    }

    /** A tumbling window is its one pane: its value is the pane's, nothing to look up or merge. */
    private void emitTumbling(KeyPanes kp, long firstStart, long lastStart, boolean atBatchEnd, BatchSink out) {
        for (int d = 0; d < kp.size; d++) {
            long start = kp.panes[d];
            if (start < firstStart || start > lastStart) {
                continue;
            }
            Accumulator[] value = atBatchEnd ? kp.full[d]
                    : merge(merge(null, committed(kp.key, kp.keyBytes, start)), kp.deltas[d]);
            out.window(task, kp.key, start, start + window.size, value);
        }
    }

    /**
     * Mid-batch closing in emit-changes mode: the windows starting in [firstStart, lastStart] that
     * hold one of the key's batch panes, each merged from committed values and the batch's deltas.
     * A closing usually spans one or two windows, so they are walked directly; a wide span (the end
     * of the input, a first batch) walks the key's panes instead.
     */
    void emitClosing(KeyPanes kp, long firstStart, long lastStart, BatchSink out) {
        long span = lastStart - firstStart;
        // A first closing starts at the beginning of time: the span overflows, walk the panes.
        if (firstStart == Long.MIN_VALUE || span < 0 || span / window.slide + 1 > (long) kp.size * panesPerWindow()) {
            emit(kp.key, kp, firstStart, lastStart, false, out);
            return;
        }
        int perWindow = panesPerWindow();
        for (long start = firstStart; start <= lastStart; start += window.slide) {
            // the first batch pane at or after the window's start: is it inside the window?
            int d = kp.indexOf(start);
            int next = d >= 0 ? d : -d - 1;
            if (next >= kp.size || kp.panes[next] >= start + window.size) {
                continue;
            }
            Accumulator[] merged = null;
            for (int i = 0; i < perWindow; i++) {
                long pane = start + i * window.paneWidth;
                Accumulator[] delta = null;
                if (next < kp.size && kp.panes[next] == pane) {
                    delta = kp.deltas[next++];
                }
                // committed first, then the batch: first/last keep their order on equal times
                merged = merge(merge(merged, committed(kp.key, kp.keyBytes, pane)), delta);
            }
            if (merged != null) {
                out.window(task, kp.key, start, start + window.size, merged);
            }
        }
    }

    private int panesPerWindow() {
        return (int) (window.size / window.paneWidth);
    }

    /** The committed value of a pane (shared: never mutate it), or null. */
    Accumulator[] committed(String key, byte[] keyBytes, long pane) {
        Accumulator[] cached = cache.get(pane, key);
        if (cached != null || cache.knowsAbsent(pane)) {
            return cached;
        }
        byte[] b = store.get(task, pane, keyBytes);
        return b == null ? null : plan.decode(b);
    }

    private Accumulator[] merge(Accumulator[] into, Accumulator[] v) {
        if (v == null) {
            return into;
        }
        Accumulator[] target = into == null ? plan.newAccumulators() : into;
        JobPlan.mergeInto(target, v);
        return target;
    }
}
