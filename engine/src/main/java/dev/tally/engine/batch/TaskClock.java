package dev.tally.engine.batch;

import java.nio.ByteBuffer;

/**
 * Time of one task: stream time (the largest event time seen), the watermark, and the watermark
 * up to which windows were already closed and emitted. Its bytes are written to the changelog with
 * every batch, so a restored task never emits a closed window twice.
 *
 * <p>A task fed by its own input partition derives the watermark from its stream time (minus grace).
 * A repartition task merges partials from every source partition, which are never in step; its
 * watermark is the minimum of the latest watermark each source partition published through the
 * repartition topic ({@link #inputWatermark}), as Flink's operators take the minimum over their
 * input channels. Those per-source watermarks are part of the clock's bytes, so a restored or moved
 * task neither closes windows early nor waits for watermarks it already had.
 */
final class TaskClock {
    static final long NO_TIME = Long.MIN_VALUE;
    private static final byte OWN_TIME = 1;
    private static final byte SOURCE_WATERMARKS = 2;

    private final long graceMs;
    private long streamTime = NO_TIME;
    private long emittedWatermark = NO_TIME;
    /** The latest watermark of each source partition; null when the watermark follows the stream time. */
    private long[] inputs;
    private long inputMin = NO_TIME;
    private boolean inputsChanged;
    /** Wall clock of the last record, for the idle timeout; not persisted (a restart counts as activity). */
    private long lastRecordWallClock;
    private long lastIdleCheckWallClock;

    TaskClock(long graceMs, long wallNow) {
        this.graceMs = graceMs;
        this.lastRecordWallClock = wallNow;
        this.lastIdleCheckWallClock = wallNow;
    }

    void observe(long eventTime, long wallNow) {
        if (eventTime > streamTime) {
            streamTime = eventTime;
        }
        lastRecordWallClock = wallNow;
    }

    /** Processing time: stream time follows the wall clock, minus a safety lag for records still in flight. */
    void followWallClock(long wallNow, long lagMs) {
        long t = wallNow - lagMs;
        if (t > streamTime) {
            streamTime = t;
        }
    }

    /**
     * Event time with an idle timeout: once a task saw nothing for {@code idleTimeoutMs}, its stream
     * time moves on with the wall clock, so the last windows of a quiet partition still close.
     */
    void advanceIfIdle(long wallNow, long idleTimeoutMs) {
        if (streamTime != NO_TIME && wallNow - lastRecordWallClock >= idleTimeoutMs) {
            streamTime += Math.max(0, wallNow - Math.max(lastIdleCheckWallClock, lastRecordWallClock + idleTimeoutMs));
        }
        lastIdleCheckWallClock = wallNow;
    }

    long streamTime() {
        return streamTime;
    }

    long watermark() {
        if (inputs != null) {
            return inputMin;
        }
        return streamTime == NO_TIME ? NO_TIME : streamTime - graceMs;
    }

    /** True when the watermark is the minimum over source partitions (a repartition task). */
    boolean fromSources() {
        return inputs != null;
    }

    /** A source partition's watermark arrived; watermarks only move forward. */
    void inputWatermark(int source, long watermark) {
        if (source >= inputs.length) {
            // The source topic gained partitions: a new one holds time back until it publishes.
            long[] grown = java.util.Arrays.copyOf(inputs, source + 1);
            java.util.Arrays.fill(grown, inputs.length, grown.length, NO_TIME);
            inputs = grown;
        }
        if (watermark > inputs[source]) {
            inputs[source] = watermark;
            inputsChanged = true;
            long min = Long.MAX_VALUE;
            for (long w : inputs) {
                min = Math.min(min, w);
            }
            inputMin = min;
        }
    }

    /** Source watermarks moved since the clock was last written. */
    boolean inputsChanged() {
        return inputsChanged;
    }

    /** End of input ({@code tally test}): every window closes. */
    void endOfInput(long time, long wallNow) {
        observe(time, wallNow);
        if (inputs != null) {
            for (int i = 0; i < inputs.length; i++) {
                inputWatermark(i, time - graceMs);
            }
        }
    }

    long emittedWatermark() {
        return emittedWatermark;
    }

    void markEmitted(long watermark) {
        emittedWatermark = watermark;
        inputsChanged = false;
    }

    /** {@code [1][streamTime][emitted]}, or {@code [2][streamTime][emitted][n:4][watermark of source i]...}. */
    byte[] toBytes() {
        if (inputs == null) {
            return ByteBuffer.allocate(17).put(OWN_TIME).putLong(streamTime).putLong(emittedWatermark).array();
        }
        ByteBuffer b = ByteBuffer.allocate(21 + 8 * inputs.length).put(SOURCE_WATERMARKS).putLong(streamTime)
                .putLong(emittedWatermark).putInt(inputs.length);
        for (long w : inputs) {
            b.putLong(w);
        }
        return b.array();
    }

    /**
     * Restores the clock from {@link #toBytes()}; empty bytes mean a fresh task. {@code sources} &gt; 0
     * makes it a repartition task's clock over that many source partitions (0: the task's own time).
     */
    static TaskClock fromBytes(byte[] meta, long graceMs, long wallNow, int sources) {
        TaskClock c = new TaskClock(graceMs, wallNow);
        if (sources > 0) {
            c.inputs = new long[sources];
            java.util.Arrays.fill(c.inputs, NO_TIME);
        }
        if (meta != null && meta.length >= 17) {
            ByteBuffer b = ByteBuffer.wrap(meta);
            byte version = b.get();
            c.streamTime = b.getLong();
            c.emittedWatermark = b.getLong();
            if (version == SOURCE_WATERMARKS && c.inputs != null) {
                int n = b.getInt();
                for (int i = 0; i < n; i++) {
                    c.inputWatermark(i, b.getLong());
                }
                c.inputsChanged = false;
            }
        }
        return c;
    }
}
