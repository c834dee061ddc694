package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tumbling and hopping windows of one task, kept as panes of gcd(size, slide): a record updates
 * exactly one pane in the batch cache, whatever size/slide is.
 *
 * <p>Windows close at the record that moves the watermark past their end, not at the end of the
 * batch: the windows closing then are computed (store overlaid with the batch so far) and held
 * until the batch ends. A later record of the same batch never reaches a window that was already
 * closed when it arrived, so results do not depend on where batches happen to begin and end.
 */
final class HoppingWindowOperator implements WindowOperator {
    private final int task;
    private final JobPlan plan;
    private final WindowSpec window;
    private final PaneStore store;
    private final TaskClock clock;
    private final HashMap<String, KeyPanes> dirty = new HashMap<>();
    /** Full values this batch computed, cached once it committed. */
    private final List<Closed> toCache = new ArrayList<>();
    private final PaneCache cache;
    private final PaneLookup lookup;
    private final WindowAssembly assembly;
    /** The keys of each pane this batch touched: a closing visits only keys with panes in the closing windows. */
    private final TreeMap<Long, List<KeyPanes>> keysByPane = new TreeMap<>();
    /** Numbers the mid-batch closings, so each visits a key once however many of its panes close. */
    private int closings;
    /** Windows closed during the batch, handed to the sink at its end. */
    private final List<Closed> closed = new ArrayList<>();
    /** Watermark up to which windows are closed (emitted when final). */
    private long closedWm;
    /** The end of the first window still open: the next watermark that closes something. */
    private long nextClose;

    /** A window closed mid-batch, or (with {@code bytes}) a pane value to cache once committed. */
    private record Closed(String key, long start, Accumulator[] value, int bytes) {
        Closed(String key, long start, Accumulator[] value) {
            this(key, start, value, 0);
        }
    }

    HoppingWindowOperator(int task, JobPlan plan, PaneStore store, TaskClock clock) {
        this.task = task;
        this.plan = plan;
        this.window = plan.window;
        this.store = store;
        this.clock = clock;
        this.closedWm = clock.emittedWatermark();
        this.nextClose = nextClose(closedWm);
        // The store cannot hold panes after the one of the restored stream time.
        long st = clock.streamTime();
        this.cache = new PaneCache(HotPaneBudget.process(),
                st == TaskClock.NO_TIME ? Long.MIN_VALUE : window.pane(st) + window.paneWidth);
        this.lookup = new PaneLookup(task, plan, store, cache);
        this.assembly = new WindowAssembly(plan);
    }

    private long nextClose(long watermark) {
        long start = window.firstOpenWindowStart(watermark);
        return start > Long.MAX_VALUE - window.size ? Long.MAX_VALUE : start + window.size;
    }

    @Override
    public int task() {
        return task;
    }

    @Override
    public boolean fold(String key, long eventTime, Object[] inputs, long wallNow) {
        advance(eventTime, wallNow);
        long pane = window.pane(eventTime);
        if (window.isPaneClosed(pane, closedWm)) {
            return false;
        }
        Accumulator[] acc = delta(key, pane, eventTime);
        for (int i = 0; i < acc.length; i++) {
            acc[i].add(inputs[i], eventTime);
        }
        return true;
    }

    @Override
    public boolean mergePartial(String key, long pane, long maxEventTime, Accumulator[] partial, long wallNow) {
        advance(maxEventTime, wallNow);
        if (window.isPaneClosed(pane, closedWm)) {
            return false;
        }
        JobPlan.mergeInto(delta(key, pane, maxEventTime), partial);
        return true;
    }

    private void advance(long eventTime, long wallNow) {
        clock.observe(eventTime, wallNow);
        if (clock.watermark() >= nextClose) {
            closeUpTo(clock.watermark());
        }
    }

    @Override
    public void inputWatermark(int sourcePartition, long watermark) {
        clock.inputWatermark(sourcePartition, watermark);
        if (clock.watermark() >= nextClose) {
            closeUpTo(clock.watermark());
        }
    }

    /** The batch's delta of (key, pane); a pane new to the key is indexed for closing. */
    private Accumulator[] delta(String key, long pane, long time) {
        KeyPanes kp = keyPanes(key);
        int before = kp.size;
        Accumulator[] d = kp.delta(pane, time, plan::newAccumulators);
        if (kp.size != before) {
            keysByPane.computeIfAbsent(pane, p -> new ArrayList<>()).add(kp);
        }
        return d;
    }

    private KeyPanes keyPanes(String key) {
        KeyPanes kp = dirty.get(key);
        if (kp == null) {
            kp = new KeyPanes(key);
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
        ChangeLoggingWrites state = new ChangeLoggingWrites(task, writes, out);
        plan.advanceAtBatchEnd(clock, wallNow);
        if (clock.watermark() >= nextClose) {
            closeUpTo(clock.watermark());
        }
        for (Closed c : closed) {
            out.window(task, c.key, c.start, c.start + window.size, c.value);
        }
        // A pane every window of which has closed is dead: its windows went out above, and the
        // store would delete it right after writing it. In a catching-up batch most panes are.
        long live = closedWm == TaskClock.NO_TIME ? Long.MIN_VALUE : window.firstOpenWindowStart(closedWm);
        for (Map.Entry<String, KeyPanes> e : dirty.entrySet()) {
            KeyPanes kp = e.getValue();
            kp.full = new Accumulator[kp.size][];
            for (int i = 0; i < kp.size; i++) {
                long pane = kp.panes[i];
                if (pane < live) {
                    continue;
                }
                Accumulator[] committed = lookup.committed(e.getKey(), kp.keyBytes, pane);
                Accumulator[] full = kp.deltas[i];
                if (committed != null) {
                    // Committed first, then the batch: first/last keep their order on equal times.
                    full = JobPlan.copy(committed);
                    JobPlan.mergeInto(full, kp.deltas[i]);
                }
                kp.full[i] = full;
                byte[] bytes = plan.encode(full);
                state.put(pane, kp.keyBytes, bytes);
                toCache.add(new Closed(e.getKey(), pane, full, bytes.length));
            }
        }
        if (!plan.emitFinal) {
            long firstOpen = window.firstOpenWindowStart(closedWm);
            for (KeyPanes kp : dirty.values()) {
                assembly.emit(kp.panes, kp.size, firstOpen, Long.MAX_VALUE, lookup.atBatchEnd(kp), true,
                        (start, end, value) -> out.window(task, kp.key, start, end, value));
            }
        }
        if (closedWm != TaskClock.NO_TIME) {
            state.expirePanesBefore(live);
        }
        if (!dirty.isEmpty() || closedWm != clock.emittedWatermark() || clock.inputsChanged()) {
            clock.markEmitted(closedWm);
            state.clock(clock.toBytes());
        }
    }

    /**
     * The watermark passed the end of one or more windows: compute them now, from the store
     * overlaid with the batch so far. Final: every such window with data. Changes: those this
     * batch touched (the others were emitted when they last changed).
     */
    private void closeUpTo(long newWm) {
        long firstStart = window.firstOpenWindowStart(closedWm);
        long lastStart = window.firstOpenWindowStart(newWm) - window.slide;
        closedWm = newWm;
        nextClose = nextClose(newWm);
        if (lastStart < firstStart) {
            return;
        }
        BatchSink collect = new ClosedCollector();
        long toPane = lastStart > Long.MAX_VALUE - window.size ? Long.MAX_VALUE : lastStart + window.size;
        if (plan.emitFinal) {
            FinalClosing.close(task, plan, store, cache, dirty, assembly, firstStart, lastStart, toPane, collect);
            return;
        }
        int mark = ++closings;
        for (List<KeyPanes> keys : keysByPane.subMap(firstStart, toPane).values()) {
            for (KeyPanes kp : keys) {
                if (kp.closeMark != mark) {
                    kp.closeMark = mark;
                    assembly.emit(kp.panes, kp.size, firstStart, lastStart, lookup.midBatch(kp), false,
                            (start, end, value) -> collect.window(task, kp.key, start, end, value));
                }
            }
        }
    }

    /** Holds windows closed mid-batch; their values are fresh copies, untouched by later folds. */
    private final class ClosedCollector implements BatchSink {
        @Override
        public void window(int t, String key, long start, long end, Accumulator[] value) {
            closed.add(new Closed(key, start, value));
        }

        @Override
        public void retract(int t, String key, long start, long end) {
            throw new IllegalStateException("panes never retract windows");
        }

        @Override
        public void changelog(int t, long pane, byte[] key, byte[] value) {
            throw new IllegalStateException("closing windows writes no state");
        }

        @Override
        public void taskMeta(int t, byte[] meta) {
            throw new IllegalStateException("closing windows writes no state");
        }
    }

    @Override
    public void onCommit() {
        for (Closed c : toCache) {
            cache.put(c.start, c.key, c.value, c.bytes);
        }
        if (closedWm != TaskClock.NO_TIME) {
            cache.expireBefore(window.firstOpenWindowStart(closedWm));
        }
        toCache.clear();
        keysByPane.clear();
        dirty.clear();
        closed.clear();
    }

    @Override
    public void close() {
        cache.release();
    }

    @Override
    public void closeAll(long wallNow) {
        clock.endOfInput(Long.MAX_VALUE - plan.graceMs - window.size, wallNow);
    }
}
