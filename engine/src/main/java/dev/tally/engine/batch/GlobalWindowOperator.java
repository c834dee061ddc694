package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A running aggregate per key with no window: Spark's {@code updateStateByKey}. Every batch emits
 * the keys it changed. With an idle timeout, a key not updated for that long (by the task's
 * watermark) is dropped and a tombstone emitted; a marker at pane {@code lastEventTime + timeout}
 * finds those keys by a range scan.
 */
final class GlobalWindowOperator implements WindowOperator {
    /** Pane slot of a key's state: after every expiry marker, so bulk expiry never touches it. */
    static final long STATE = Long.MAX_VALUE;
    private static final byte[] MARKER = new byte[0];

    private final int task;
    private final JobPlan plan;
    private final TaskClock clock;
    /** 0: keep keys forever. */
    private final long idleTimeout;
    private final HashMap<String, KeyPanes> dirty = new HashMap<>();
    private final PaneStore store;
    /** Last update of touched keys as stored before this batch (idle timeout only). */
    private final HashMap<String, Long> storedLast = new HashMap<>();
    /** Keys that expired during this batch and started again: their stored state is ignored. */
    private final java.util.HashSet<String> fresh = new java.util.HashSet<>();
    private final java.util.List<Expired> expiredMidBatch = new java.util.ArrayList<>();

    GlobalWindowOperator(int task, JobPlan plan, PaneStore store, TaskClock clock) {
        this.task = task;
        this.store = store;
        this.plan = plan;
        this.clock = clock;
        this.idleTimeout = plan.job.window().idleTimeout() == null ? 0 : plan.job.window().idleTimeout().toMillis();
    }

    @Override
    public int task() {
        return task;
    }

    @Override
    public boolean fold(String key, long eventTime, Object[] inputs, long wallNow) {
        clock.observe(eventTime, wallNow);
        Accumulator[] acc = delta(key, eventTime);
        for (int i = 0; i < acc.length; i++) {
            acc[i].add(inputs[i], eventTime);
        }
        return true;
    }

    @Override
    public boolean mergePartial(String key, long start, long end, Accumulator[] partial, long wallNow) {
        clock.observe(end, wallNow);
        JobPlan.mergeInto(delta(key, end), partial);
        return true;
    }

    private Accumulator[] delta(String key, long time) {
        KeyPanes kp = dirty.get(key);
        if (kp == null) {
            kp = new KeyPanes(key);
            dirty.put(key, kp);
            if (idleTimeout > 0) {
                byte[] stored = store.get(task, STATE, kp.keyBytes);
                if (stored != null) {
                    storedLast.put(key, ByteBuffer.wrap(stored).getLong());
                }
            }
        }
        if (idleTimeout > 0) {
            expireIfIdle(key, kp);
            kp = dirty.get(key);
        }
        return kp.delta(STATE, time, plan::newAccumulators);
    }

    /**
     * A key idle past its timeout when its next record arrives expired at that record, not at the
     * end of the batch: its old state is dropped (a tombstone goes out) and the record starts afresh.
     */
    private void expireIfIdle(String key, KeyPanes kp) {
        Long stored = fresh.contains(key) ? null : storedLast.get(key);
        long last = Math.max(stored == null ? Long.MIN_VALUE : stored, kp.size == 0 ? Long.MIN_VALUE : kp.maxTimes[0]);
        long wm = clock.watermark();
        if (last != Long.MIN_VALUE && wm != TaskClock.NO_TIME && last + idleTimeout <= wm) {
            expiredMidBatch.add(new Expired(key, last));
            fresh.add(key);
            dirty.put(key, new KeyPanes(key));
        }
    }

    private record Expired(String key, long last) {
    }

    @Override
    public void onBatchEnd(PaneStore store, long wallNow, BatchSink out, StoreBatch writes) {
        ChangeLoggingWrites state = new ChangeLoggingWrites(task, writes, out);
        plan.advanceAtBatchEnd(clock, wallNow);
        long oldWm = clock.emittedWatermark();
        long newWm = clock.watermark();
        Map<String, Long> lastUpdate = new HashMap<>();
        for (Expired x : expiredMidBatch) {
            out.retract(task, x.key, Long.MIN_VALUE, x.last);
        }
        for (Map.Entry<String, KeyPanes> e : new TreeMap<>(dirty).entrySet()) {
            KeyPanes kp = e.getValue();
            byte[] stored = store.get(task, STATE, kp.keyBytes);
            if (stored != null && fresh.contains(e.getKey())) {
                long old = ByteBuffer.wrap(stored).getLong();
                state.delete(old + idleTimeout, kp.keyBytes);
                stored = null;
            }
            Accumulator[] full = kp.deltas[0];
            long last = kp.maxTimes[0];
            if (stored != null) {
                ByteBuffer b = ByteBuffer.wrap(stored);
                long storedLast = b.getLong();
                Accumulator[] prev = plan.decodePartial(b);
                JobPlan.mergeInto(prev, full);
                full = prev;
                if (idleTimeout > 0 && storedLast != last) {
                    state.delete(storedLast + idleTimeout, kp.keyBytes);
                }
                last = Math.max(last, storedLast);
            }
            byte[] encoded = plan.encode(full);
            byte[] value = ByteBuffer.allocate(8 + encoded.length).putLong(last).put(encoded).array();
            state.put(STATE, kp.keyBytes, value);
            if (idleTimeout > 0) {
                state.put(last + idleTimeout, kp.keyBytes, MARKER);
            }
            lastUpdate.put(e.getKey(), last);
            out.window(task, e.getKey(), Long.MIN_VALUE, last, full);
        }
        if (idleTimeout > 0 && newWm != TaskClock.NO_TIME && newWm > oldWm) {
            expireIdle(store, oldWm, newWm, lastUpdate, out, state);
        }
        if (!dirty.isEmpty() || newWm != oldWm || clock.inputsChanged()) {
            clock.markEmitted(newWm);
            state.clock(clock.toBytes());
        }
    }

    /** Keys whose last update is more than the idle timeout behind the watermark: dropped, with a tombstone. */
    private void expireIdle(PaneStore store, long oldWm, long newWm, Map<String, Long> updatedNow,
                            BatchSink out, ChangeLoggingWrites state) {
        long from = oldWm == TaskClock.NO_TIME ? Long.MIN_VALUE : oldWm + 1;
        long to = newWm >= STATE - 1 ? STATE - 1 : newWm + 1;
        TreeMap<String, byte[]> candidates = new TreeMap<>();
        try (PaneCursor c = store.scan(task, from, to)) {
            while (c.next()) {
                candidates.put(new String(c.key(), StandardCharsets.UTF_8), c.key());
                // The changelog of a global job is compact-only: a marker left there would stay forever.
                state.delete(c.pane(), c.key());
            }
        }
        updatedNow.forEach((k, last) -> {
            if (last + idleTimeout <= newWm) {
                byte[] key = k.getBytes(StandardCharsets.UTF_8);
                candidates.put(k, key);
                // its marker was written this batch: tombstone it in the changelog as well
                state.delete(last + idleTimeout, key);
            }
        });
        for (Map.Entry<String, byte[]> k : candidates.entrySet()) {
            Long last = updatedNow.get(k.getKey());
            if (last == null) {
                byte[] stored = store.get(task, STATE, k.getValue());
                if (stored == null) {
                    continue;
                }
                last = ByteBuffer.wrap(stored).getLong();
            }
            if (last + idleTimeout <= newWm) {
                state.delete(STATE, k.getValue());
                out.retract(task, k.getKey(), Long.MIN_VALUE, last);
            }
        }
        state.expirePanesBefore(to);
    }

    @Override
    public void onCommit() {
        dirty.clear();
        storedLast.clear();
        fresh.clear();
        expiredMidBatch.clear();
    }

    @Override
    public void inputWatermark(int sourcePartition, long watermark) {
        // Idle keys expire at the batch end, against the minimum over source partitions.
        clock.inputWatermark(sourcePartition, watermark);
    }

    @Override
    public void closeAll(long wallNow) {
        // A running aggregate has no end; end of input changes nothing.
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
