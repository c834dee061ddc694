package dev.tally.engine.batch;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time of the source partitions a repartitioning job reads, judged where the records are.
 *
 * <p>Each source partition keeps its own stream time (the largest event time it has seen) and
 * watermark (stream time − grace). A record is late when its window is already closed under its
 * own partition's watermark; it is then dead-lettered as the input record it is, before anything
 * is combined. Each partition's watermark is published through the repartition topic after the
 * partials it sent, and a repartition task closes windows at the minimum over all source
 * partitions. That minimum never exceeds any partition's watermark, so a partial that left its
 * source on time is never late downstream.
 *
 * <p>Idle and empty partitions. A partition that saw no record for {@code time.idle-timeout} (of
 * wall clock) is idle. One that never saw a record is idle as soon as its reader has caught up
 * with it (there is nothing in it to wait for), or after the idle timeout. An idle partition leaves
 * the minimum by moving its own watermark up to the slowest partition that is not idle (its
 * {@link Peers}); with no such partition, up to the fastest, and a partition that had records also
 * keeps moving with the wall clock, so the last windows of a quiet topic still close. Because the idle partition's watermark moves up rather than
 * out of the minimum, a record it receives later is judged against that watermark, at the source.
 *
 * <p>Its state is committed with the consumed offsets (the service keeps it in the offsets'
 * metadata, see {@link #encode}), so a restarted or moved partition resumes the watermark it had.
 */
public final class SourceTime {
    static final long NO_TIME = TaskClock.NO_TIME;

    private final JobPlan plan;
    private final long idleTimeoutMs;
    private final Map<Integer, Partition> partitions = new HashMap<>();
    /** Hopping windows share panes: a watermark passing a window end splits the batch's partials. */
    private final boolean cutAtWindowEnds;
    /** Sessions (and idle-expiring global keys) close at any watermark: every advance splits. */
    private final boolean cutAtEveryAdvance;
    private boolean crossed;
    /** Partitions of the source topic; 0 until known, then partitions beyond the owned ones count too. */
    private int sourcePartitions;

    /** What the other source partitions published: the committed state of every partition. */
    @FunctionalInterface
    public interface Peers {
        /** The latest known state of {@code partition}, or null when it never committed any. */
        String state(int partition);
    }

    /** Receives a source partition's watermark to publish. */
    @FunctionalInterface
    public interface WatermarkSink {
        void watermark(int sourcePartition, long watermark);
    }

    private static final class Partition {
        long streamTime = NO_TIME;
        boolean idle;
        long lastRecordWall;
        long lastIdleCheckWall;
        /** As of the last committed batch, and the watermark that batch published. */
        long committedTime = NO_TIME;
        boolean committedIdle;
        long published = NO_TIME;
        /** The next window end the watermark will pass (hopping windows only). */
        long nextClose = Long.MIN_VALUE;

        Partition(long wallNow) {
            lastRecordWall = wallNow;
            lastIdleCheckWall = wallNow;
        }
    }

    public SourceTime(JobPlan plan) {
        this.plan = plan;
        this.idleTimeoutMs = plan.idleTimeoutMs;
        this.cutAtWindowEnds = plan.window != null && plan.window.slide < plan.window.size;
        var w = plan.job.window();
        this.cutAtEveryAdvance = w.type() == dev.tally.config.WindowConfig.Type.SESSION
                || (w.type() == dev.tally.config.WindowConfig.Type.GLOBAL && w.idleTimeout() != null);
    }

    /** The source topic's partition count, so idle partitions can look at every other one. */
    public void sourcePartitions(int n) {
        this.sourcePartitions = n;
    }

    /** A source partition is now read here; {@code state} is what its last committed batch left, or null. */
    public void assign(int partition, String state, long wallNow) {
        Partition p = new Partition(wallNow);
        decodeInto(p, state);
        partitions.put(partition, p);
    }

    public void revoke(int partition) {
        partitions.remove(partition);
    }

    /** The open batch was dropped: back to what was committed ({@code state}: the truth read back from Kafka). */
    public void rewind(int partition, String state) {
        Partition p = partitions.get(partition);
        if (p != null) {
            decodeInto(p, state);
        }
    }

    private void decodeInto(Partition p, String state) {
        CommittedSourceState committed = CommittedSourceState.parse(state);
        long time = committed.streamTime();
        boolean idle = committed.idle();
        p.streamTime = time;
        p.idle = idle;
        p.committedTime = time;
        p.committedIdle = idle;
        // A committed batch published the watermark of the state it committed.
        p.published = time == NO_TIME ? NO_TIME : time - plan.graceMs;
        p.nextClose = nextClose(p.published);
    }

    private long nextClose(long watermark) {
        if (!cutAtWindowEnds || watermark == NO_TIME) {
            return Long.MIN_VALUE;
        }
        long start = plan.window.firstOpenWindowStart(watermark);
        return start > Long.MAX_VALUE - plan.window.size ? Long.MAX_VALUE : start + plan.window.size;
    }

    /**
     * Sees one event of {@code partition}: true when it is late, i.e. its window is closed under the
     * partition's own watermark (including this event). Late events leave the time as it was.
     */
    public boolean late(int partition, long eventTime, long wallNow) {
        Partition p = partitions.get(partition);
        if (p == null) {
            throw new IllegalStateException("source partition " + partition + " is not assigned here");
        }
        long time = Math.max(p.streamTime, eventTime);
        if (plan.isLate(eventTime, time == NO_TIME ? NO_TIME : time - plan.graceMs)) {
            return true;
        }
        if (cutAtEveryAdvance && time > p.streamTime) {
            crossed = true;
        }
        p.streamTime = time;
        p.idle = false;
        p.lastRecordWall = wallNow;
        if (cutAtWindowEnds && time - plan.graceMs >= p.nextClose) {
            p.nextClose = nextClose(time - plan.graceMs);
            crossed = true;
        }
        return false;
    }

    /**
     * True once after an event moved its partition's watermark past a window end. The partials
     * folded before must reach the repartition tasks before that watermark, and those after it
     * behind it, or a record would count in a window that closed before it, depending on where
     * batches happen to end. A record never belongs to a window its own watermark closes.
     */
    public boolean takeCrossed() {
        boolean c = crossed;
        crossed = false;
        return c;
    }

    /** The watermarks of the partitions read here, now. */
    public Map<Integer, Long> snapshot() {
        Map<Integer, Long> s = new HashMap<>();
        for (int p : partitions.keySet()) {
            s.put(p, watermark(p));
        }
        return s;
    }

    /** The partition's watermark: stream time − grace. */
    public long watermark(int partition) {
        Partition p = partitions.get(partition);
        return p == null || p.streamTime == NO_TIME ? NO_TIME : p.streamTime - plan.graceMs;
    }

    /**
     * Applies the idle rule at the end of a batch; {@code peers} is asked only when a partition is
     * idle; {@code caughtUp} tells whether the reader of a partition has read all there is in it.
     */
    public void endBatch(long wallNow, Peers peers, java.util.function.IntPredicate caughtUp) {
        Long target = null;
        for (Map.Entry<Integer, Partition> e : partitions.entrySet()) {
            Partition p = e.getValue();
            long quiet = wallNow - p.lastRecordWall;
            boolean empty = p.streamTime == NO_TIME;
            boolean timedOut = idleTimeoutMs > 0 && quiet >= idleTimeoutMs;
            if (!timedOut && !(empty && caughtUp.test(e.getKey()))) {
                p.lastIdleCheckWall = wallNow;
                continue;
            }
            p.idle = true;
            if (!empty) {
                // A quiet partition's time moves with the wall clock (the rule of a quiet direct task).
                p.streamTime += Math.max(0, wallNow - Math.max(p.lastIdleCheckWall, p.lastRecordWall + idleTimeoutMs));
            }
            p.lastIdleCheckWall = wallNow;
            if (target == null) {
                target = peerTime(peers);
            }
            if (target != NO_TIME && (p.streamTime == NO_TIME || target > p.streamTime)) {
                p.streamTime = target;
            }
        }
    }

    /**
     * The stream time an idle partition moves up to: the slowest source partition that is not idle,
     * or, when every partition with a time is idle, the fastest; NO_TIME when none has a time.
     * Partitions read here count with their live state, the others with their committed one.
     */
    private long peerTime(Peers peers) {
        long slowestActive = Long.MAX_VALUE;
        long fastest = NO_TIME;
        int n = sourcePartitions;
        for (int owned : partitions.keySet()) {
            n = Math.max(n, owned + 1);
        }
        for (int i = 0; i < n; i++) {
            Partition own = partitions.get(i);
            CommittedSourceState state = own != null ? new CommittedSourceState(own.streamTime, own.idle)
                    : CommittedSourceState.parse(peers.state(i));
            long time = state.streamTime();
            boolean idle = state.idle();
            if (time == NO_TIME) {
                continue;
            }
            fastest = Math.max(fastest, time);
            if (!idle) {
                slowestActive = Math.min(slowestActive, time);
            }
        }
        return slowestActive != Long.MAX_VALUE ? slowestActive : fastest;
    }

    /** Hands every watermark that moved since the last committed batch to {@code sink}. */
    public void publish(WatermarkSink sink) {
        publish(snapshot(), new HashMap<>(), sink);
    }
    /**
     * Hands the watermarks of {@code snapshot} that moved since the last committed batch and since
     * what {@code sent} records (this batch's earlier publications) to {@code sink}.
     */
    void publish(Map<Integer, Long> snapshot, Map<Integer, Long> sent, WatermarkSink sink) {
        for (Map.Entry<Integer, Long> e : snapshot.entrySet()) {
            Partition p = partitions.get(e.getKey());
            long wm = e.getValue();
            long last = sent.getOrDefault(e.getKey(), p == null ? NO_TIME : p.published);
            if (wm != NO_TIME && wm > last && passesWindowEnd(last, wm)) {
                sink.watermark(e.getKey(), wm);
                sent.put(e.getKey(), wm);
            }
        }
    }

    /**
     * Tumbling and hopping windows close only at window ends: a watermark that moved without
     * passing one changes nothing downstream and is not sent (an idle partition's time moves every
     * batch). Sessions and global keys can close at any time.
     */
    private boolean passesWindowEnd(long from, long to) {
        if (plan.window == null || from == NO_TIME) {
            return true;
        }
        long start = plan.window.firstOpenWindowStart(from);
        return start > Long.MAX_VALUE - plan.window.size || to >= start + plan.window.size;
    }

    /** The state to commit with the partition's offset: {@code t1:<stream time>:<a|i>}. */
    public String encode(int partition) {
        Partition p = partitions.get(partition);
        if (p == null) {
            return "";
        }
        return new CommittedSourceState(p.streamTime, p.idle).format();
    }

    /** The batch committed: its time and published watermarks are the new rollback point. */
    public void committed() {
        for (Map.Entry<Integer, Partition> e : partitions.entrySet()) {
            Partition p = e.getValue();
            p.committedTime = p.streamTime;
            p.committedIdle = p.idle;
            p.published = watermark(e.getKey());
        }
    }

    /** The batch was dropped: back to the last committed time. */
    public void rollback() {
        crossed = false;
        for (Partition p : partitions.values()) {
            p.streamTime = p.committedTime;
            p.idle = p.committedIdle;
            p.nextClose = nextClose(p.committedTime == NO_TIME ? NO_TIME : p.committedTime - plan.graceMs);
        }
    }
}
