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
    private HashMap<String, KeyPanes> partials = new HashMap<>();
    private HashMap<String, KeySessions> sessions = new HashMap<>();
    /** Partials of the batch before each {@link #cut()}, in order. */
    private final List<Epoch> cutEpochs = new ArrayList<>();

    private record Epoch(HashMap<String, KeyPanes> partials, HashMap<String, KeySessions> sessions) {
    }
    private final long sessionGap;
    /** Partials must leave in event-time order only where the receiving task's time follows them. */
    private final boolean ordered;

    public Combiner(JobPlan plan) {
        this.plan = plan;
        this.ordered = !plan.watermarksFromSources();
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

    /** True when nothing was added since the last drain. */
    public boolean isEmpty() {
        return partials.isEmpty() && sessions.isEmpty() && cutEpochs.isEmpty();
    }

    /**
     * Starts a new epoch: what was added so far leaves, at the drain, before what comes after, with
     * whatever the caller sends between them (a source watermark that closed a window).
     */
    public void cut() {
        cutEpochs.add(new Epoch(partials, sessions));
        partials = new HashMap<>();
        sessions = new HashMap<>();
    }

    /**
     * Hands every partial to the sink, encoded, and empties the combiner. Under processing time the
     * partials leave in order of their latest event time: the receiving task advances its time with
     * each partial it merges, so a partial of a later pane merged first would make an earlier pane
     * look late. With watermarks from the sources, the order does not matter and is not paid for.
     */
    public void drain(PartialSink sink) {
        drain(sink, i -> { });
    }

    /** Drains epoch after epoch; {@code afterCut} is told when the partials before cut {@code i} are out. */
    public void drain(PartialSink sink, java.util.function.IntConsumer afterCut) {
        for (int i = 0; i < cutEpochs.size(); i++) {
            drainEpoch(cutEpochs.get(i).partials, cutEpochs.get(i).sessions, sink);
            afterCut.accept(i);
        }
        cutEpochs.clear();
        drainEpoch(partials, sessions, sink);
    }

    private void drainEpoch(HashMap<String, KeyPanes> partials, HashMap<String, KeySessions> sessions, PartialSink sink) {
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
        if (ordered) {
            out.sort(Comparator.comparingLong(Partial::maxEventTime));
        }
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
        cutEpochs.clear();
        partials.clear();
        sessions.clear();
    }
}
