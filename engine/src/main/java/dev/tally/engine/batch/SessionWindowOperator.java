package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.window.SessionMath;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Session windows of one task. A key's open sessions live in one store entry (at pane
 * {@link #OPEN}); a marker at pane {@code end + gap} (when the session closes) indexes keys by
 * closing time, so closing needs a range scan of what closed, not a scan of every key. A batch
 * folds events into mini-sessions; at its end they merge with the stored sessions, bridging
 * sessions an event connects.
 */
final class SessionWindowOperator implements WindowOperator {
    /** Pane slot of a key's open sessions: after every closing-time marker, so bulk expiry never touches it. */
    static final long OPEN = Long.MAX_VALUE;
    private static final byte[] MARKER = new byte[0];

    private final int task;
    private final JobPlan plan;
    private final long gap;
    private final TaskClock clock;
    private final HashMap<String, KeySessions> dirty = new HashMap<>();
    private final PaneStore store;

    SessionWindowOperator(int task, JobPlan plan, PaneStore store, byte[] clockMeta, long wallNow) {
        this.task = task;
        this.store = store;
        this.plan = plan;
        this.gap = plan.job.window().gap().toMillis();
        this.clock = TaskClock.fromBytes(clockMeta, plan.graceMs, wallNow);
    }

    @Override
    public int task() {
        return task;
    }

    @Override
    public boolean fold(String key, long eventTime, Object[] inputs, long wallNow) {
        clock.observe(eventTime, wallNow);
        if (SessionMath.isClosed(eventTime, gap, clock.watermark()) && !joinsOpenSession(key, eventTime, eventTime)) {
            return false;
        }
        dirty.computeIfAbsent(key, k -> new KeySessions()).add(eventTime, inputs, gap, plan);
        return true;
    }

    @Override
    public boolean mergePartial(String key, long start, long end, Accumulator[] partial, long wallNow) {
        clock.observe(end, wallNow);
        if (SessionMath.isClosed(end, gap, clock.watermark()) && !joinsOpenSession(key, start, end)) {
            return false;
        }
        dirty.computeIfAbsent(key, k -> new KeySessions()).addInterval(start, end, partial, gap);
        return true;
    }

    /**
     * An event old enough that its own session would be closed is still on time when it joins a
     * session that is open: rare, so the store read happens only for such stragglers.
     */
    private boolean joinsOpenSession(String key, long start, long end) {
        KeySessions batch = dirty.get(key);
        if (batch != null && !SessionMath.mergeInterval(batch.bounds, start, end, gap).isNew()) {
            return true;
        }
        KeySessions open = load(store, key.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < open.size(); i++) {
            SessionMath.Session s = open.bounds.get(i);
            if (!SessionMath.isClosed(s.end(), gap, clock.emittedWatermark())
                    && !SessionMath.mergeInterval(java.util.List.of(s), start, end, gap).isNew()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onBatchEnd(PaneStore store, long wallNow, BatchSink out, StoreBatch writes) {
        if (plan.processingTime) {
            clock.followWallClock(wallNow, plan.processingTimeLagMs());
        } else if (plan.idleTimeoutMs > 0) {
            clock.advanceIfIdle(wallNow, plan.idleTimeoutMs);
        }
        long oldWm = clock.emittedWatermark();
        long newWm = clock.watermark();
        Map<String, KeySessions> updated = new TreeMap<>();
        for (Map.Entry<String, KeySessions> e : dirty.entrySet()) {
            byte[] keyBytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            KeySessions open = load(store, keyBytes);
            KeySessions batch = e.getValue();
            for (int i = 0; i < batch.size(); i++) {
                SessionMath.Session b = batch.bounds.get(i);
                SessionMath.Merge m = SessionMath.mergeInterval(open.bounds, b.start(), b.end(), gap);
                for (int j = m.first(); j < m.last(); j++) {
                    SessionMath.Session old = open.bounds.get(j);
                    writes.delete(task, SessionMath.coverEnd(old.end(), gap), keyBytes);
                    out.changelog(task, SessionMath.coverEnd(old.end(), gap), keyBytes, null);
                    if (!plan.emitFinal) {
                        out.retract(task, e.getKey(), old.start(), old.end());
                    }
                }
                open.addInterval(b.start(), b.end(), batch.values.get(i), gap);
            }
            for (int i = 0; i < open.size(); i++) {
                SessionMath.Session s = open.bounds.get(i);
                writes.put(task, SessionMath.coverEnd(s.end(), gap), keyBytes, MARKER);
                out.changelog(task, SessionMath.coverEnd(s.end(), gap), keyBytes, MARKER);
            }
            updated.put(e.getKey(), open);
            if (!plan.emitFinal) {
                for (int i = 0; i < open.size(); i++) {
                    SessionMath.Session s = open.bounds.get(i);
                    if (s.end() >= b0(batch)) {
                        out.window(task, e.getKey(), s.start(), s.end(), open.values.get(i));
                    }
                }
            }
        }
        if (newWm != TaskClock.NO_TIME && newWm > oldWm) {
            close(store, oldWm, newWm, updated, out);
            writes.deletePanesBefore(task, newWm == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : newWm + 1);
        }
        for (Map.Entry<String, KeySessions> e : updated.entrySet()) {
            byte[] keyBytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (e.getValue().size() == 0) {
                writes.delete(task, OPEN, keyBytes);
                out.changelog(task, OPEN, keyBytes, null);
            } else {
                byte[] bytes = e.getValue().encode(plan);
                writes.put(task, OPEN, keyBytes, bytes);
                out.changelog(task, OPEN, keyBytes, bytes);
            }
        }
        if (!dirty.isEmpty() || newWm != oldWm) {
            clock.markEmitted(newWm);
            out.taskMeta(task, clock.toBytes());
        }
    }

    /** The earliest event of the batch for a key: sessions ending before it did not change. */
    private static long b0(KeySessions batch) {
        return batch.bounds.get(0).start();
    }

    /** Sessions whose cover ended in (oldWm, newWm]: emitted (final) and dropped from the open entries. */
    private void close(PaneStore store, long oldWm, long newWm, Map<String, KeySessions> updated, BatchSink out) {
        long from = oldWm == TaskClock.NO_TIME ? Long.MIN_VALUE : oldWm + 1;
        long to = newWm == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : newWm + 1;
        TreeMap<String, byte[]> keys = new TreeMap<>();
        try (PaneCursor c = store.scan(task, from, to)) {
            while (c.next()) {
                keys.putIfAbsent(new String(c.key(), StandardCharsets.UTF_8), c.key());
            }
        }
        for (String k : updated.keySet()) {
            keys.putIfAbsent(k, k.getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> k : keys.entrySet()) {
            KeySessions open = updated.get(k.getKey());
            if (open == null) {
                open = load(store, k.getValue());
            }
            boolean changed = false;
            for (int i = open.size() - 1; i >= 0; i--) {
                SessionMath.Session s = open.bounds.get(i);
                if (SessionMath.isClosed(s.end(), gap, newWm)) {
                    if (plan.emitFinal) {
                        out.window(task, k.getKey(), s.start(), s.end(), open.values.get(i));
                    }
                    open.remove(i);
                    changed = true;
                }
            }
            if (changed) {
                updated.put(k.getKey(), open);
            }
        }
    }

    private KeySessions load(PaneStore store, byte[] keyBytes) {
        byte[] b = store.get(task, OPEN, keyBytes);
        return b == null ? new KeySessions() : KeySessions.decode(b, plan);
    }

    @Override
    public void onCommit() {
        dirty.clear();
    }

    @Override
    public void closeAll(long wallNow) {
        clock.observe(Long.MAX_VALUE - plan.graceMs - gap, wallNow);
    }

    @Override
    public long watermark() {
        return clock.watermark();
    }

    @Override
    public byte[] clockBytes() {
        return clock.toBytes();
    }
}
