package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tumbling and hopping windows of one task, kept as panes of gcd(size, slide): folds records (or partial aggregates from the repartition topic) into the
 * batch cache, and at the end of a batch turns the cache into changelog bytes, store writes and
 * window results. Nothing here touches the store before the batch committed; the caller applies
 * {@code writes} only after the Kafka transaction returned.
 */
final class HoppingWindowOperator implements WindowOperator {
    private final int task;
    private final JobPlan plan;
    private final WindowSpec window;
    private TaskClock clock;
    private final HashMap<String, KeyPanes> dirty = new HashMap<>();

    HoppingWindowOperator(int task, JobPlan plan, byte[] clockMeta, long wallNow) {
        this.task = task;
        this.plan = plan;
        this.window = plan.window;
        this.clock = TaskClock.fromBytes(clockMeta, plan.graceMs, wallNow);
    }

    @Override
    public int task() {
        return task;
    }

    @Override
    public boolean fold(String key, long eventTime, Object[] inputs, long wallNow) {
        clock.observe(eventTime, wallNow);
        long pane = window.pane(eventTime);
        if (window.isPaneClosed(pane, clock.watermark())) {
            return false;
        }
        Accumulator[] acc = keyPanes(key).delta(pane, eventTime, plan::newAccumulators);
        for (int i = 0; i < acc.length; i++) {
            acc[i].add(inputs[i], eventTime);
        }
        return true;
    }

    @Override
    public boolean mergePartial(String key, long pane, long maxEventTime, Accumulator[] partial, long wallNow) {
        clock.observe(maxEventTime, wallNow);
        if (window.isPaneClosed(pane, clock.watermark())) {
            return false;
        }
        Accumulator[] acc = keyPanes(key).delta(pane, maxEventTime, plan::newAccumulators);
        JobPlan.mergeInto(acc, partial);
        return true;
    }

    private KeyPanes keyPanes(String key) {
        KeyPanes kp = dirty.get(key);
        if (kp == null) {
            kp = new KeyPanes(key.getBytes(StandardCharsets.UTF_8));
            dirty.put(key, kp);
        }
        return kp;
    }

    @Override
    public long watermark() {
        return clock.watermark();
    }

    @Override
    public byte[] clockBytes() {
        return clock.toBytes();
    }

    /** Writes the full value of every changed pane, emits per the emit mode, expires dead panes in bulk. */
    @Override
    public void onBatchEnd(PaneStore store, long wallNow, BatchSink out, StoreBatch writes) {
        if (plan.processingTime) {
            clock.followWallClock(wallNow, plan.processingTimeLagMs());
        } else if (plan.idleTimeoutMs > 0) {
            clock.advanceIfIdle(wallNow, plan.idleTimeoutMs);
        }
        long oldWm = clock.emittedWatermark();
        long newWm = clock.watermark();
        PaneView view = new PaneView(task, plan, store);
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                long pane = kp.panes[i];
                Accumulator[] full = view.stored(e.getKey(), kp.keyBytes, pane);
                if (full == null) {
                    full = kp.deltas[i];
                } else {
                    JobPlan.mergeInto(full, kp.deltas[i]);
                }
                byte[] bytes = plan.encode(full);
                out.changelog(task, pane, kp.keyBytes, bytes);
                writes.put(task, pane, kp.keyBytes, bytes);
                view.overlay(e.getKey(), pane, full);
            }
        }
        if (plan.emitFinal) {
            emitClosed(store, view, oldWm, newWm, out);
        } else {
            emitChanged(view, oldWm, out);
        }
        if (newWm != TaskClock.NO_TIME) {
            writes.deletePanesBefore(task, window.firstOpenWindowStart(newWm));
        }
        if (!dirty.isEmpty() || newWm != oldWm) {
            clock.markEmitted(newWm);
            out.taskMeta(task, clock.toBytes());
        }
    }

    /** emit: changes — every still-open window holding a pane this batch changed. */
    private void emitChanged(PaneView view, long oldWm, BatchSink out) {
        long firstOpen = window.firstOpenWindowStart(oldWm);
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            long[] panes = java.util.Arrays.copyOf(kp.panes, kp.size);
            java.util.Arrays.sort(panes);
            view.emitWindows(e.getKey(), kp.keyBytes, panes, firstOpen, Long.MAX_VALUE, out);
        }
    }

    /** emit: final — every window whose end the watermark passed in this batch, once. */
    private void emitClosed(PaneStore store, PaneView view, long oldWm, long newWm, BatchSink out) {
        if (newWm == TaskClock.NO_TIME || newWm <= oldWm) {
            return;
        }
        long firstStart = window.firstOpenWindowStart(oldWm);
        long lastStart = window.firstOpenWindowStart(newWm) - window.slide;
        if (lastStart < firstStart) {
            return;
        }
        long toPane = lastStart > Long.MAX_VALUE - window.size ? Long.MAX_VALUE : lastStart + window.size;
        TreeMap<String, byte[]> keys = new TreeMap<>();
        try (PaneCursor c = store.scan(task, firstStart, toPane)) {
            while (c.next()) {
                byte[] k = c.key();
                String key = new String(k, StandardCharsets.UTF_8);
                keys.putIfAbsent(key, k);
                view.remember(key, c.pane(), c.value());
            }
        }
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                if (kp.panes[i] >= firstStart && kp.panes[i] < toPane) {
                    keys.putIfAbsent(e.getKey(), kp.keyBytes);
                }
            }
        }
        for (Map.Entry<String, byte[]> k : keys.entrySet()) {
            view.emitWindows(k.getKey(), k.getValue(), view.knownPanes(k.getKey()), firstStart, lastStart, out);
        }
    }

    @Override
    public void onCommit() {
        dirty.clear();
    }

    @Override
    public void closeAll(long wallNow) {
        clock.observe(Long.MAX_VALUE - plan.graceMs - window.size, wallNow);
    }
}
