package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.config.TimeConfig;
import dev.tally.config.WindowConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.aggregate.AggregateFunction;
import dev.tally.engine.aggregate.Aggregates;
import dev.tally.engine.aggregate.PaneCodec;

import java.nio.ByteBuffer;
import java.util.List;

/** A job compiled once: its aggregate functions, pane encoding, window shape and time rules. */
public final class JobPlan {
    final JobConfig job;
    final List<AggregateFunction> functions;
    final PaneCodec codec;
    /** Panes of tumbling and hopping windows; null for session and global windows. */
    final WindowSpec window;
    final long graceMs;
    final boolean processingTime;
    /** 0 = no idle timeout. */
    final long idleTimeoutMs;
    final boolean emitFinal;

    public JobPlan(JobConfig job) {
        this.job = job;
        this.functions = Aggregates.of(job.aggregates());
        this.codec = new PaneCodec(functions);
        WindowConfig.Type type = job.window().type();
        this.window = type == WindowConfig.Type.TUMBLING || type == WindowConfig.Type.HOPPING ? new WindowSpec(job.window()) : null;
        TimeConfig time = job.time();
        this.graceMs = time == null || time.grace() == null ? 0 : time.grace().toMillis();
        this.processingTime = time == null || time.type() == TimeConfig.Type.PROCESSING;
        this.idleTimeoutMs = time == null || time.idleTimeout() == null ? 0 : time.idleTimeout().toMillis();
        this.emitFinal = job.emit() == JobConfig.EmitMode.FINAL;
    }

    public JobConfig job() {
        return job;
    }

    Accumulator[] newAccumulators() {
        Accumulator[] a = new Accumulator[functions.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = functions.get(i).create();
        }
        return a;
    }

    byte[] encode(Accumulator[] accs) {
        return codec.encode(accs);
    }

    Accumulator[] decode(byte[] bytes) {
        return codec.decode(bytes);
    }

    /** A partial aggregate read from the repartition topic. */
    public Accumulator[] decodePartial(ByteBuffer bytes) {
        return codec.decode(bytes);
    }

    /**
     * How long state must outlive its last update: size + grace for panes, gap + grace for
     * sessions; -1 (forever) for global windows. Derived, never a separate setting.
     */
    public long retentionMs() {
        return switch (job.window().type()) {
            case TUMBLING, HOPPING -> window.size + graceMs;
            case SESSION -> job.window().gap().toMillis() + graceMs;
            case GLOBAL -> -1;
        };
    }

    /** True when a record at {@code eventTime} is late under {@code watermark}: every window it belongs to closed. */
    boolean isLate(long eventTime, long watermark) {
        if (watermark == TaskClock.NO_TIME) {
            return false;
        }
        return switch (job.window().type()) {
            case TUMBLING, HOPPING -> window.isPaneClosed(window.pane(eventTime), watermark);
            case SESSION -> dev.tally.engine.window.SessionMath.isClosed(eventTime, job.window().gap().toMillis(), watermark);
            case GLOBAL -> false;
        };
    }

    /**
     * A repartitioning job on event (or log-append) time: lateness is judged at the source and the
     * repartition tasks' time is the minimum of the source partitions' watermarks. Processing time
     * keeps following the wall clock on both sides.
     */
    public boolean watermarksFromSources() {
        return job.key().needsRepartition() && !processingTime;
    }

    static void mergeInto(Accumulator[] into, Accumulator[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i].merge(from[i]);
        }
    }

    static Accumulator[] copy(Accumulator[] accs) {
        Accumulator[] c = new Accumulator[accs.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = accs[i].copy();
        }
        return c;
    }

    /**
     * Time moves at the end of a batch even without records: processing time follows the wall
     * clock; event time with an idle timeout moves a quiet task on, so its last windows close.
     */
    void advanceAtBatchEnd(TaskClock clock, long wallNow) {
        if (clock.fromSources()) {
            // A repartition task's time is what its source partitions publish; they apply the idle rule.
            return;
        }
        if (processingTime) {
            clock.followWallClock(wallNow, processingTimeLagMs());
        } else if (idleTimeoutMs > 0) {
            clock.advanceIfIdle(wallNow, idleTimeoutMs);
        }
    }

    /**
     * Processing time: windows close this long after the wall clock passes their end, so partial
     * aggregates still crossing the repartition topic (one batch, one commit) are not late.
     */
    long processingTimeLagMs() {
        return Math.max(graceMs, 2 * job.batch().interval().toMillis());
    }
}
