package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.window.SessionMath;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Session windows of one task. A key's open sessions live in one store entry (at pane
 * {@link #OPEN}); a marker at pane {@code end + gap} (when the session closes) indexes keys by
 * closing time, so closing reads only what closes. A batch folds events into the full open-session
 * list of each key it touches (loaded once per batch), bridging sessions an event connects.
 *
 * <p>Sessions close at the record that moves the watermark past their end + gap, as hopping windows
 * do, so a later record of the batch cannot join a session that had already closed, and results
 * do not depend on batch boundaries.
 */
final class SessionWindowOperator implements WindowOperator {
    /** Pane slot of a key's open sessions: after every closing-time marker, so bulk expiry never touches it. */
    static final long OPEN = Long.MAX_VALUE;
    private static final byte[] MARKER = new byte[0];

    private final int task;
    private final JobPlan plan;
    private final long gap;
    private final PaneStore store;
    private final TaskClock clock;
    /** Keys touched this batch: their open sessions now, and as they were stored. */
    private final HashMap<String, Touched> touched = new HashMap<>();
    /** Close times of touched sessions (entries may be stale: checked when they come up). */
    private final PriorityQueue<Closing> closing = new PriorityQueue<>();
    private final List<Emitted> closed = new ArrayList<>();
    private long closedWm;
    /** The first stored closing marker after {@link #closedWm}, or MAX when none: when to look at the store again. */
    private long nextStoredClose = Long.MIN_VALUE;

    private record Closing(long at, String key) implements Comparable<Closing> {
        @Override
        public int compareTo(Closing o) {
            return Long.compare(at, o.at);
        }
    }

    private record Emitted(String key, SessionMath.Session bounds, Accumulator[] value) {
    }

    private static final class Touched {
        final String key;
        final KeySessions open;
        /** The sessions as stored before this batch, whose markers (and, when gone, windows) are replaced. */
        final List<SessionMath.Session> stored;
        final List<SessionMath.Session> closedNow = new ArrayList<>();
        /** Sessions an event or partial of this batch went into (emit: changes emits these). */
        final java.util.Set<SessionMath.Session> changed = new java.util.HashSet<>();

        Touched(String key, KeySessions open) {
            this.key = key;
            this.open = open;
            this.stored = List.copyOf(open.bounds);
        }
    }

    SessionWindowOperator(int task, JobPlan plan, PaneStore store, TaskClock clock) {
        this.task = task;
        this.plan = plan;
        this.store = store;
        this.gap = plan.job.window().gap().toMillis();
        this.clock = clock;
        this.closedWm = clock.emittedWatermark();
    }

    @Override
    public int task() {
        return task;
    }

    @Override
    public boolean fold(String key, long eventTime, Object[] inputs, long wallNow) {
        Accumulator[] one = plan.newAccumulators();
        for (int i = 0; i < one.length; i++) {
            one[i].add(inputs[i], eventTime);
        }
        return mergePartial(key, eventTime, eventTime, one, wallNow);
    }

    @Override
    public boolean mergePartial(String key, long start, long end, Accumulator[] partial, long wallNow) {
        advance(end, wallNow);
        Touched t = touch(key);
        SessionMath.Merge m = SessionMath.mergeInterval(t.open.bounds, start, end, gap);
        if (m.isNew() && SessionMath.isClosed(end, gap, closedWm)) {
            return false;
        }
        SessionMath.Merge done = t.open.addInterval(start, end, partial, gap);
        t.changed.add(new SessionMath.Session(done.start(), done.end()));
        closing.add(new Closing(SessionMath.coverEnd(done.end(), gap), key));
        return true;
    }

    private Touched touch(String key) {
        Touched t = touched.get(key);
        if (t == null) {
            byte[] b = store.get(task, OPEN, key.getBytes(StandardCharsets.UTF_8));
            t = new Touched(key, b == null ? new KeySessions() : KeySessions.decode(b, plan));
            touched.put(key, t);
            for (SessionMath.Session s : t.open.bounds) {
                closing.add(new Closing(SessionMath.coverEnd(s.end(), gap), key));
            }
        }
        return t;
    }

    private void advance(long eventTime, long wallNow) {
        clock.observe(eventTime, wallNow);
        if (clock.watermark() > closedWm) {
            closeUpTo(clock.watermark());
        }
    }

    @Override
    public void inputWatermark(int sourcePartition, long watermark) {
        clock.inputWatermark(sourcePartition, watermark);
        if (clock.watermark() > closedWm) {
            closeUpTo(clock.watermark());
        }
    }

    /** Closes every session whose cover ended by {@code wm}: stored ones (via markers) and touched ones. */
    private void closeUpTo(long wm) {
        if (nextStoredClose == Long.MIN_VALUE || wm >= nextStoredClose) {
            long from = closedWm == TaskClock.NO_TIME ? Long.MIN_VALUE : closedWm + 1;
            try (PaneCursor c = store.scan(task, from, OPEN)) {
                nextStoredClose = Long.MAX_VALUE;
                while (c.next()) {
                    if (c.pane() > wm) {
                        nextStoredClose = c.pane();
                        break;
                    }
                    touch(new String(c.key(), StandardCharsets.UTF_8));
                }
            }
        }
        while (!closing.isEmpty() && closing.peek().at <= wm) {
            Touched t = touched.get(closing.poll().key);
            for (int i = t.open.size() - 1; i >= 0; i--) {
                SessionMath.Session s = t.open.bounds.get(i);
                if (SessionMath.isClosed(s.end(), gap, wm)) {
                    closed.add(new Emitted(t.key, s, t.open.values.get(i)));
                    t.closedNow.add(s);
                    t.open.remove(i);
                }
            }
        }
        closedWm = wm;
    }

    @Override
    public void onBatchEnd(PaneStore store, long wallNow, BatchSink out, StoreBatch writes) {
        ChangeLoggingWrites state = new ChangeLoggingWrites(task, writes, out);
        plan.advanceAtBatchEnd(clock, wallNow);
        if (clock.watermark() > closedWm) {
            closeUpTo(clock.watermark());
        }
        for (Map.Entry<String, Touched> e : new TreeMap<>(touched).entrySet()) {
            String key = e.getKey();
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            Touched t = e.getValue();
            for (SessionMath.Session s : t.stored) {
                long marker = SessionMath.coverEnd(s.end(), gap);
                state.delete(marker, keyBytes);
                boolean stillThere = t.open.bounds.contains(s) || t.closedNow.contains(s);
                if (!plan.emitFinal && !stillThere) {
                    out.retract(task, key, s.start(), s.end());
                }
            }
            for (int i = 0; i < t.open.size(); i++) {
                SessionMath.Session s = t.open.bounds.get(i);
                long marker = SessionMath.coverEnd(s.end(), gap);
                state.put(marker, keyBytes, MARKER);
                if (!plan.emitFinal && t.changed.contains(s)) {
                    out.window(task, key, s.start(), s.end(), t.open.values.get(i));
                }
            }
            if (t.open.size() == 0) {
                state.delete(OPEN, keyBytes);
            } else {
                byte[] bytes = t.open.encode(plan);
                state.put(OPEN, keyBytes, bytes);
            }
        }
        for (Emitted c : closed) {
            if (plan.emitFinal || touched.get(c.key).changed.contains(c.bounds)) {
                out.window(task, c.key, c.bounds.start(), c.bounds.end(), c.value);
            }
        }
        if (!touched.isEmpty() || closedWm != clock.emittedWatermark() || clock.inputsChanged()) {
            clock.markEmitted(closedWm);
            state.clock(clock.toBytes());
        }
    }

    @Override
    public void onCommit() {
        touched.clear();
        closing.clear();
        closed.clear();
        nextStoredClose = Long.MIN_VALUE;
    }

    @Override
    public void closeAll(long wallNow) {
        clock.endOfInput(Long.MAX_VALUE - plan.graceMs - gap, wallNow);
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
