package dev.tally.engine.batch;

/**
 * The source side of a repartitioning job: judges each event against its own source partition's
 * watermark ({@link SourceTime}), combines the on-time ones per (key, pane) ({@link Combiner}),
 * and at the end of the batch hands the partials, then the watermarks that moved, to the
 * repartition topic. Partials before watermarks: a repartition task merges what a source sent
 * before it learns that the source's time moved on.
 */
public final class RepartitionSource {
    private final Combiner combiner;
    /** Null under processing time: the repartition tasks follow the wall clock. */
    private final SourceTime time;
    /** The source watermarks at each cut of the combiner, published after the partials before it. */
    private final java.util.List<java.util.Map<Integer, Long>> cuts = new java.util.ArrayList<>();

    /** Where a batch's partials and watermarks go. */
    public interface Sink extends Combiner.PartialSink, SourceTime.WatermarkSink {
    }

    public RepartitionSource(JobPlan plan) {
        this.combiner = new Combiner(plan);
        this.time = plan.watermarksFromSources() ? new SourceTime(plan) : null;
    }

    /** The per-partition time, or null when the job runs on processing time. */
    public SourceTime time() {
        return time;
    }

    /** Folds one event of source partition {@code partition}; false when it is late and was not folded. */
    public boolean add(int partition, String key, long eventTime, Object[] inputs, long wallNow) {
        if (time != null) {
            if (time.late(partition, eventTime, wallNow)) {
                return false;
            }
            if (time.takeCrossed()) {
                combiner.cut();
                cuts.add(time.snapshot());
            }
        }
        combiner.add(key, eventTime, inputs);
        return true;
    }

    /** Applies the idle rule to the source partitions (see {@link SourceTime#endBatch}). */
    public void endBatch(long wallNow, SourceTime.Peers peers, java.util.function.IntPredicate caughtUp) {
        if (time != null) {
            time.endBatch(wallNow, peers, caughtUp);
        }
    }

    public void drain(Sink sink) {
        java.util.Map<Integer, Long> sent = new java.util.HashMap<>();
        combiner.drain(sink, i -> time.publish(cuts.get(i), sent, sink));
        cuts.clear();
        if (time != null) {
            time.publish(time.snapshot(), sent, sink);
        }
    }

    public void committed() {
        if (time != null) {
            time.committed();
        }
    }

    /** The batch was dropped: forget its partials and go back to the committed time. */
    public void rollback() {
        combiner.clear();
        cuts.clear();
        if (time != null) {
            time.rollback();
        }
    }
}
