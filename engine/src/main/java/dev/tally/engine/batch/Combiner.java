package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Pre-aggregation before the repartition topic: one partial accumulator per (key, pane) per batch
 * instead of one record per input record. Word count sends each distinct word once per batch.
 */
public final class Combiner {
    private final JobPlan plan;
    private final HashMap<String, KeyPanes> partials = new HashMap<>();

    public Combiner(JobPlan plan) {
        this.plan = plan;
    }

    public void add(String key, long eventTime, Object[] inputs) {
        KeyPanes kp = partials.get(key);
        if (kp == null) {
            kp = new KeyPanes(key.getBytes(StandardCharsets.UTF_8));
            partials.put(key, kp);
        }
        Accumulator[] acc = kp.delta(plan.window.pane(eventTime), eventTime, plan::newAccumulators);
        for (int i = 0; i < acc.length; i++) {
            acc[i].add(inputs[i], eventTime);
        }
    }

    /** Receives each partial aggregate of the batch. */
    @FunctionalInterface
    public interface PartialSink {
        void partial(byte[] key, long pane, long maxEventTime, byte[] encodedPartial);
    }

    /** Hands every partial to the sink, encoded, and empties the combiner. */
    public void drain(PartialSink sink) {
        for (Map.Entry<String, KeyPanes> e : partials.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                sink.partial(kp.keyBytes, kp.panes[i], kp.maxTimes[i], plan.encode(kp.deltas[i]));
            }
        }
        partials.clear();
    }

    /** Forgets the batch (it was aborted). */
    public void clear() {
        partials.clear();
    }

    public boolean isEmpty() {
        return partials.isEmpty();
    }
}
