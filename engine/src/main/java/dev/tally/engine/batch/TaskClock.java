package dev.tally.engine.batch;

import java.nio.ByteBuffer;

/**
 * Time of one task: stream time (the largest event time seen), the watermark derived from it,
 * and the watermark up to which windows were already closed and emitted. Its bytes are written
 * to the changelog with every batch, so a restored task never emits a closed window twice.
 */
final class TaskClock {
    static final long NO_TIME = Long.MIN_VALUE;

    private final long graceMs;
    private long streamTime = NO_TIME;
    private long emittedWatermark = NO_TIME;
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
        return streamTime == NO_TIME ? NO_TIME : streamTime - graceMs;
    }

    long emittedWatermark() {
        return emittedWatermark;
    }

    void markEmitted(long watermark) {
        emittedWatermark = watermark;
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(17).put((byte) 1).putLong(streamTime).putLong(emittedWatermark).array();
    }

    /** Restores stream time and emitted watermark from {@link #toBytes()}; empty bytes mean a fresh task. */
    static TaskClock fromBytes(byte[] meta, long graceMs, long wallNow) {
        TaskClock c = new TaskClock(graceMs, wallNow);
        if (meta != null && meta.length == 17) {
            ByteBuffer b = ByteBuffer.wrap(meta);
            b.get();
            c.streamTime = b.getLong();
            c.emittedWatermark = b.getLong();
        }
        return c;
    }
}
