package dev.tally.service.job;

import dev.tally.service.metrics.JobMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The threads of one job in this process that died, processing or standby, for {@code /jobs}
 * ({@code failures}) and the {@code tally_thread_failures_total} counter. A standby thread that
 * dies leaves the job running (it only kept other instances' tasks warm), so without this its
 * failure would show nowhere but one log line; a processing thread's failure fails the job and
 * says which thread met what.
 */
public final class ThreadFailures {
    public enum Kind { PROCESSING, STANDBY }

    /** One thread that ended with an error: the message is the exception's, never the config or its secrets. */
    public record Failure(Kind kind, String thread, String error, long atMillis) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            m.put("thread", thread);
            m.put("error", error);
            m.put("atMillis", atMillis);
            return m;
        }
    }

    private final JobMetrics metrics;
    private final Runnable onProcessingFailure;
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    /** {@code metrics}: where the counter lives; null in tests of the status alone. */
    public ThreadFailures(JobMetrics metrics) {
        this(metrics, () -> { });
    }

    /**
     * {@code onProcessingFailure}: runs on the failing thread before it closes its clients. Its
     * leaving the group hands its tasks to the job's other threads here, which would meet the same
     * fault (a broken changelog, a full disk) and die too, so they are told to stop first.
     */
    ThreadFailures(JobMetrics metrics, Runnable onProcessingFailure) {
        this.metrics = metrics;
        this.onProcessingFailure = onProcessingFailure;
    }

    /** The calling thread ended with {@code error}. */
    void record(Kind kind, String error) {
        failures.add(new Failure(kind, Thread.currentThread().getName(), error, System.currentTimeMillis()));
        if (metrics != null) {
            metrics.threadFailed(kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (kind == Kind.PROCESSING) {
            onProcessingFailure.run();
        }
    }

    public List<Failure> all() {
        return List.copyOf(failures);
    }

    List<Map<String, Object>> toList() {
        return failures.stream().map(Failure::toMap).toList();
    }
}
