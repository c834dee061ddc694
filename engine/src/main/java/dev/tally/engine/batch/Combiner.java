package dev.tally.engine.batch;

import dev.tally.config.WindowConfig;
import dev.tally.engine.aggregate.Accumulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-aggregation before the repartition topic: one partial accumulator per (key, pane) per batch
 * instead of one record per input record. Word count sends each distinct word once per batch.
 */
public final class Combiner {
    private final JobPlan plan;
    private final HashMap<String, KeyPanes> partials = new HashMap<>();
    private final HashMap<String, KeySessions> sessions = new HashMap<>();
    private final long sessionGap;

    public Combiner(JobPlan plan) {
        this.plan = plan;
        this.sessionGap = plan.job.window().type() == WindowConfig.Type.SESSION ? plan.job.window().gap().toMillis() : 0;
    }

    /** Panes for tumbling and hopping windows, one slot for a global window. */
    private long slot(long eventTime) {
        return plan.window == null ? GlobalWindowOperator.STATE : plan.window.pane(eventTime);
    }

    public void add(String key, long eventTime, Object[] inputs) {
        if (sessionGap > 0) {
            sessions.computeIfAbsent(key, k -> new KeySessions()).add(eventTime, inputs, sessionGap, plan);
            return;
        }
        KeyPanes kp = partials.get(key);
        if (kp == null) {
            kp = new KeyPanes(key);
            partials.put(key, kp);
        }
        Accumulator[] acc = kp.delta(slot(eventTime), eventTime, plan::newAccumulators);
        for (int i = 0; i < acc.length; i++) {
            acc[i].add(inputs[i], eventTime);
        }
    }

    /** Receives each partial aggregate of the batch: a pane (or session start) and its latest event time. */
    @FunctionalInterface
    public interface PartialSink {
        void partial(byte[] key, long start, long maxEventTime, byte[] encodedPartial);
    }

    /**
     * Hands every partial to the sink, encoded, in order of their latest event time, and empties the
     * combiner. The order matters: the task advances its watermark with each partial it merges, so a
     * partial of a later pane (or of another key) merged first would make an earlier, on-time pane
     * look late. In event-time order a partial can only find its windows closed by earlier batches.
     */
    public void drain(PartialSink sink) {
        List<Partial> out = new ArrayList<>();
        for (Map.Entry<String, KeyPanes> e : partials.entrySet()) {
            KeyPanes kp = e.getValue();
            for (int i = 0; i < kp.size; i++) {
                out.add(new Partial(kp.keyBytes, kp.panes[i], kp.maxTimes[i], kp.deltas[i]));
            }
        }
        for (Map.Entry<String, KeySessions> e : sessions.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            KeySessions ks = e.getValue();
            for (int i = 0; i < ks.size(); i++) {
                out.add(new Partial(key, ks.bounds.get(i).start(), ks.bounds.get(i).end(), ks.values.get(i)));
            }
        }
        out.sort(Comparator.comparingLong(Partial::maxEventTime));
        for (Partial p : out) {
            sink.partial(p.key, p.start, p.maxEventTime, plan.encode(p.value));
        }
        partials.clear();
        sessions.clear();
    }

    private record Partial(byte[] key, long start, long maxEventTime, Accumulator[] value) {
    }

    /** Forgets the batch (it was aborted). */
    public void clear() {
        partials.clear();
        sessions.clear();
    }
}
