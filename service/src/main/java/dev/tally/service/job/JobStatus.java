package dev.tally.service.job;

import dev.tally.engine.batch.WindowOperator;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What an operator sees of one job (/jobs, /health/ready): written by the job thread, read by HTTP threads. */
public final class JobStatus {
    public enum State { STARTING, RUNNING, STOPPED, FAILED }

    private final String job;
    private final ThreadFailures failures;
    private volatile State state = State.STARTING;
    private volatile boolean ready;
    private volatile String error;
    private volatile List<String> assigned = List.of();
    private volatile Map<Integer, Long> watermarks = Map.of();
    private volatile long lastCommitMillis;
    private volatile long restoredRecords;

    JobStatus(String job) {
        this(job, new ThreadFailures(null));
    }

    /** {@code failures}: the job's failed threads in this process, shared by all its threads' statuses. */
    JobStatus(String job, ThreadFailures failures) {
        this.job = job;
        this.failures = failures;
    }

    void starting() {
        state = State.STARTING;
    }

    void ready(boolean r) {
        ready = r;
        if (r && state == State.STARTING) {
            state = State.RUNNING;
            error = null;
        }
    }

    /** Not started yet, for a reason that may pass (a missing topic, an unreachable broker): shown as the error. */
    void waiting(String why) {
        state = State.STARTING;
        ready = false;
        error = why;
    }

    void stopped() {
        state = State.STOPPED;
        ready = false;
    }

    /** The processing thread ended for good with this error: the job fails, and the thread shows in {@code failures}. */
    void failed(String message) {
        error = message;
        state = State.FAILED;
        ready = false;
        failures.record(ThreadFailures.Kind.PROCESSING, message);
    }

    void assigned(Collection<TopicPartition> partitions) {
        assigned = partitions.stream().map(TopicPartition::toString).sorted().toList();
    }

    void restored(long records) {
        restoredRecords += records;
    }

    void committed(long wallMillis, Map<Integer, WindowOperator> tasks) {
        Map<Integer, Long> w = new TreeMap<>();
        tasks.forEach((k, t) -> w.put(k, t.watermark()));
        committedAt(wallMillis, w);
    }

    /** A batch committed at {@code wallMillis}, leaving the tasks at these watermarks. */
    void committedAt(long wallMillis, Map<Integer, Long> taskWatermarks) {
        lastCommitMillis = wallMillis;
        watermarks = taskWatermarks;
    }

    /**
     * The job over all its processing threads in this process, as one operator sees it: failed
     * when one thread failed, ready and running only when every thread is, partitions and
     * watermarks the union, the last commit the oldest of the threads' last commits.
     */
    static JobStatus combine(String job, List<JobStatus> threads) {
        if (threads.size() == 1) {
            return threads.get(0);
        }
        JobStatus all = new JobStatus(job, threads.get(0).failures);
        List<String> assigned = new java.util.ArrayList<>();
        Map<Integer, Long> watermarks = new TreeMap<>();
        long lastCommit = Long.MAX_VALUE;
        boolean ready = true;
        for (JobStatus t : threads) {
            assigned.addAll(t.assigned);
            watermarks.putAll(t.watermarks);
            lastCommit = Math.min(lastCommit, t.lastCommitMillis);
            all.restoredRecords += t.restoredRecords;
            ready &= t.isReady();
            if (t.error != null && all.error == null) {
                all.error = t.error;
            }
        }
        all.state = combinedState(threads);
        all.ready = ready;
        all.assigned = assigned.stream().sorted().toList();
        all.watermarks = watermarks;
        all.lastCommitMillis = lastCommit;
        return all;
    }

    private static State combinedState(List<JobStatus> threads) {
        if (threads.stream().anyMatch(t -> t.state == State.FAILED)) {
            return State.FAILED;
        }
        if (threads.stream().allMatch(t -> t.state == State.STOPPED)) {
            return State.STOPPED;
        }
        return threads.stream().allMatch(t -> t.state == State.RUNNING) ? State.RUNNING : State.STARTING;
    }

    public String job() {
        return job;
    }

    public State state() {
        return state;
    }

    /** Every assigned task restored and the producer initialised. */
    public boolean isReady() {
        return ready && state == State.RUNNING;
    }

    public String error() {
        return error;
    }

    /** Changelog records replayed into local state since start. */
    public long restoredRecords() {
        return restoredRecords;
    }

    /** Task -> watermark (epoch millis; Long.MIN_VALUE before any record) as of the last commit. */
    public Map<Integer, Long> watermarks() {
        return watermarks;
    }

    /** The partitions of every topic this job consumes here, as "topic-partition", sorted. */
    public List<String> assignedPartitions() {
        return assigned;
    }

    /** Threads of this job here (processing or standby) that died, oldest first. */
    public List<ThreadFailures.Failure> failures() {
        return failures.all();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("state", state.name());
        m.put("ready", isReady());
        m.put("assignedPartitions", assigned);
        m.put("watermarks", watermarks);
        m.put("lastCommitMillis", lastCommitMillis);
        m.put("restoredRecords", restoredRecords);
        m.put("failures", failures.toList());
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
