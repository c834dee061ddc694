package dev.tally.service.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job's meters as the dashboard shows them: counters turned into rates between two samples,
 * lag gauges summed (consumer lag) or maxed (watermark lag), and the last {@link #HISTORY} samples
 * for the throughput chart. Read from the Micrometer registry the job already writes to, so the
 * job pays nothing for it. Sampled by the dashboard's one thread, read by the stream threads.
 */
final class JobRates {
    static final int HISTORY = 300;

    /** One sample: wall-clock second, input and output records/s, consumer lag, watermark lag (s). */
    record Sample(long time, double in, double out, double consumerLag, double watermarkLag) {
    }

    private final MeterRegistry registry;
    private final String job;
    private final Deque<Sample> history = new ArrayDeque<>();
    private double lastConsumed = Double.NaN;
    private double lastProduced;
    private long lastNanos;
    private volatile Map<String, Object> current = Map.of();

    JobRates(MeterRegistry registry, String job) {
        this.registry = registry;
        this.job = job;
    }

    void sample(long wallMillis) {
        long now = System.nanoTime();
        double consumed = counter("tally.records.consumed");
        double produced = counter("tally.records.produced");
        double in = 0;
        double out = 0;
        if (!Double.isNaN(lastConsumed) && now > lastNanos) {
            double seconds = (now - lastNanos) / 1e9;
            in = Math.max(0, consumed - lastConsumed) / seconds;
            out = Math.max(0, produced - lastProduced) / seconds;
        }
        lastConsumed = consumed;
        lastProduced = produced;
        lastNanos = now;
        double lag = gauges("tally.consumer.lag", true);
        double wmLag = gauges("tally.watermark.lag", false);
        Sample s = new Sample(wallMillis / 1000, in, out, lag, wmLag);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputPerSecond", round(in));
        m.put("outputPerSecond", round(out));
        m.put("consumerLag", finite(lag));
        m.put("watermarkLagSeconds", finite(wmLag));
        m.put("recordsConsumed", (long) consumed);
        m.put("recordsProduced", (long) produced);
        m.put("transactionsCommitted", (long) counter("tally.transactions.committed"));
        m.put("transactionsAborted", (long) counter("tally.transactions.aborted"));
        m.put("deadLettered", (long) counter("tally.records.dead.lettered"));
        m.put("late", (long) counter("tally.records.late"));
        m.put("restoreRemaining", finite(gauges("tally.restore.remaining", true)));
        synchronized (this) {
            history.addLast(s);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        current = m;
    }

    /** The latest sample's figures (empty before the first sample). */
    Map<String, Object> current() {
        return current;
    }

    synchronized List<Sample> history() {
        return new ArrayList<>(history);
    }

    private double counter(String name) {
        Counter c = registry.find(name).tag("job", job).counter();
        return c == null ? 0 : c.count();
    }

    /** Sum (or max) of a gauge's series for this job, NaN when none has a value. */
    private double gauges(String name, boolean sum) {
        double acc = Double.NaN;
        for (Gauge g : Search.in(registry).name(name).tag("job", job).gauges()) {
            double v = g.value();
            if (Double.isNaN(v)) {
                continue;
            }
            acc = Double.isNaN(acc) ? v : sum ? acc + v : Math.max(acc, v);
        }
        return acc;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : round(v);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
