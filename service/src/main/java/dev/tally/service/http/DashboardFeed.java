package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.service.JobExplanation;
import dev.tally.service.TallyService;
import dev.tally.service.job.JobStatus;
import dev.tally.service.job.RecentWindows;
import dev.tally.service.job.ResultTap;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the dashboard page shows, one snapshot a second. Nothing runs until a page asks: the first
 * request starts one sampling thread and the result tap; a minute without any page stops both.
 * Stream threads wait for the next tick ({@link #awaitTick}) and build their own snapshot from
 * what the sampler and the tap keep, so a slow page delays only itself and a job thread never waits.
 */
final class DashboardFeed implements AutoCloseable {
    static final long TICK_MS = 1_000;
    private static final long IDLE_MS = 60_000;
    private static final int TOP_ROWS = 10;
    private static final int CHART_KEYS = 5;
    private static final Set<AggregateConfig.Type> NUMERIC = EnumSet.of(AggregateConfig.Type.COUNT, AggregateConfig.Type.SUM,
            AggregateConfig.Type.MIN, AggregateConfig.Type.MAX, AggregateConfig.Type.AVG, AggregateConfig.Type.COUNT_DISTINCT);

    private final TallyService service;
    private final ResultTap tap;
    private final Map<String, JobRates> rates = new LinkedHashMap<>();
    private final Map<String, String> plans = new LinkedHashMap<>();
    private final Object tickLock = new Object();
    private long ticks;
    private volatile long lastWatched;
    private Thread sampler;
    private volatile boolean closed;

    DashboardFeed(TallyService service, MeterRegistry registry) {
        this.service = service;
        this.tap = new ResultTap(service.config());
        for (JobConfig j : service.config().jobs()) {
            rates.put(j.name(), new JobRates(registry, j.name()));
            plans.put(j.name(), JobExplanation.of(j));
        }
    }

    /** A page asked for something: keep (or start) sampling and reading results. */
    synchronized void watched() {
        lastWatched = System.currentTimeMillis();
        if (closed || (sampler != null && sampler.isAlive())) {
            return;
        }
        sampler = new Thread(this::sampleLoop, "tally-dashboard");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sampleLoop() {
        tap.start();
        try {
            while (!closed && System.currentTimeMillis() - lastWatched < IDLE_MS) {
                long now = System.currentTimeMillis();
                rates.values().forEach(r -> r.sample(now));
                synchronized (tickLock) {
                    ticks++;
                    tickLock.notifyAll();
                }
                Thread.sleep(TICK_MS - System.currentTimeMillis() % TICK_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tap.stop();
        }
    }

    /** Waits until a tick after {@code seen} (or the timeout) and returns the current tick. */
    long awaitTick(long seen, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (tickLock) {
            while (ticks <= seen && !closed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                tickLock.wait(left);
            }
            return ticks;
        }
    }

    boolean isClosed() {
        return closed;
    }

    String plan(String job) {
        return plans.get(job);
    }

    /**
     * The page's data: the instance and every job's status and rates, and for {@code job} (default:
     * the first) its windows, ordered by the numeric aggregate {@code by} (default: the first), with
     * the chart series, dead letters and rate history.
     */
    Map<String, Object> snapshot(String job, String by) {
        watched();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", service.instanceId());
        out.put("ready", service.isReady());
        out.put("time", System.currentTimeMillis());
        List<Object> jobs = new ArrayList<>();
        JobStatus selectedStatus = null;
        JobConfig selected = null;
        for (JobStatus s : service.statuses()) {
            Map<String, Object> m = new LinkedHashMap<>(s.toMap());
            m.remove("watermarks");
            Object last = m.get("lastCommitMillis");
            if (last instanceof Long l && l > 0) {
                m.put("lastCommitAgeMs", System.currentTimeMillis() - l);
            }
            JobRates r = rates.get(s.job());
            if (r != null) {
                m.putAll(r.current());
            }
            Map<String, Object> tables = service.tables(s.job());
            if (!tables.isEmpty()) {
                m.put("tables", tables);
            }
            jobs.add(m);
            if (selected == null && (job == null || job.equals(s.job()))) {
                selected = service.config().job(s.job());
                selectedStatus = s;
            }
        }
        out.put("jobs", jobs);
        if (selected != null) {
            out.put("selected", selected(selected, selectedStatus, by));
        }
        return out;
    }

    private Map<String, Object> selected(JobConfig job, JobStatus status, String by) {
        List<String> numeric = job.aggregates().stream().filter(a -> NUMERIC.contains(a.type())).map(AggregateConfig::name).toList();
        String order = numeric.contains(by) ? by : numeric.isEmpty() ? null : numeric.get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.name());
        m.put("by", order);
        m.put("aggregates", job.aggregates().stream().map(AggregateConfig::name).toList());
        m.put("numeric", numeric);
        m.put("emit", job.emit().name().toLowerCase(java.util.Locale.ROOT));
        RecentWindows recent = tap.of(job.name());
        List<RecentWindows.Window> windows = recent.latest(order, TOP_ROWS);
        long closedBefore = closedBefore(job, status);
        List<Object> ws = new ArrayList<>();
        RecentWindows.Window latestClosed = null;
        for (RecentWindows.Window w : windows) {
            boolean closed = w.bounds().start() != Long.MIN_VALUE && w.bounds().end() <= closedBefore;
            if (closed) {
                latestClosed = w;
            }
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("start", w.bounds().start() == Long.MIN_VALUE ? null : w.bounds().start());
            wm.put("end", w.bounds().start() == Long.MIN_VALUE ? null : w.bounds().end());
            wm.put("closed", closed);
            wm.put("keys", w.keys());
            wm.put("dropped", w.dropped());
            wm.put("rows", w.rows().stream().map(r -> Map.of("key", r.key(), "value", r.value())).toList());
            ws.add(wm);
        }
        m.put("windows", ws);
        m.put("chart", chart(recent, windows, latestClosed, order));
        m.put("deadLetters", recent.deadLetters());
        m.put("resultsRead", recent.records());
        m.put("resultsSkipped", tap.skipped());
        JobRates r = rates.get(job.name());
        m.put("history", r == null ? List.of() : r.history());
        return m;
    }

    /** Windows end at or before this are closed: every output of emit final, else the lowest task watermark. */
    private static long closedBefore(JobConfig job, JobStatus status) {
        if (job.emit() == JobConfig.EmitMode.FINAL) {
            return Long.MAX_VALUE;
        }
        long min = Long.MAX_VALUE;
        for (long w : status.watermarks().values()) {
            min = Math.min(min, w);
        }
        return status.watermarks().isEmpty() || min == Long.MIN_VALUE ? Long.MIN_VALUE : min;
    }

    /** The top keys of the latest closed window, and their {@code by} value in each kept window (null: no value). */
    private static Map<String, Object> chart(RecentWindows recent, List<RecentWindows.Window> windows,
                                             RecentWindows.Window latestClosed, String by) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (latestClosed == null || by == null) {
            c.put("keys", List.of());
            c.put("ends", List.of());
            c.put("values", List.of());
            return c;
        }
        List<String> keys = latestClosed.rows().stream().limit(CHART_KEYS).map(RecentWindows.Row::key).toList();
        List<Long> ends = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        keys.forEach(k -> values.add(new ArrayList<>()));
        for (RecentWindows.Window w : windows) {
            if (w.bounds().start() == Long.MIN_VALUE) {
                continue;
            }
            ends.add(w.bounds().end());
            for (int i = 0; i < keys.size(); i++) {
                JsonNode v = recent.value(w.bounds(), keys.get(i), by);
                values.get(i).add(v != null && v.isNumber() ? v.asDouble() : null);
            }
        }
        c.put("keys", keys);
        c.put("ends", ends);
        c.put("values", values);
        return c;
    }

    @Override
    public void close() {
        Thread s;
        synchronized (this) {
            closed = true;
            s = sampler;
        }
        synchronized (tickLock) {
            tickLock.notifyAll();
        }
        if (s != null) {
            s.interrupt();
            try {
                s.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tap.close();
    }
}
