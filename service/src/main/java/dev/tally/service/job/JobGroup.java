package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.batch.JobPlan;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.state.PaneStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One job in this process: {@code threads:} processing threads (Kafka Streams' num.stream.threads),
 * each its own member of the job's consumer group with its own transactional producer, so the
 * group spreads the input partitions over them as it does over processes. The threads share the
 * job's local store (each writes only the tasks it owns), its meters and its standby replicas.
 */
public final class JobGroup {
    /** Thread i > 0 of instance "a" joins the group as "a.t&lt;i&gt;"; thread 0 keeps "a", as with one thread. */
    private static final Pattern THREAD_SUFFIX = Pattern.compile("\\.t[0-9]+$");

    private final JobConfig job;
    private final List<JobRunner> runners = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final StandbyReplicas standby;
    private final Thread standbyThread;
    private final Admin standbyAdmin;
    private final KafkaClientSettings settings;
    private final JobTopics topics;
    private final TableLoader tables;
    /** Which thread here writes which task's state: the processing threads and the standby thread. */
    private final TaskOwnership ownership;
    private final ThreadFailures failures;
    // Its own lock: awaitTermination holds the group's monitor while threads may still be starting.
    private final Object topicsLock = new Object();
    private boolean topicsCreated;
    private boolean terminated;

    public JobGroup(JobConfig job, KafkaClientSettings settings, PaneStore store, String instanceId, JobMetrics metrics) {
        this.job = job;
        this.settings = settings;
        this.topics = new JobTopics(job.name());
        this.ownership = new TaskOwnership(job.name());
        this.failures = new ThreadFailures(metrics, this::stop);
        if (job.standbyReplicas() > 0) {
            standbyAdmin = JobTopics.admin(settings.admin());
            standby = new StandbyReplicas(new KafkaConsumer<>(settings.restoreConsumer(instanceId + "-" + job.name() + "-standby")),
                    standbyAdmin, store, topics.changelog(), topics.tasks(job), topics.groupId(), instanceId, job.standbyReplicas(),
                    ownership, failures);
            standbyThread = new Thread(standby, "tally-standby-" + job.name());
            standbyThread.setDaemon(true);
        } else {
            standbyAdmin = null;
            standby = null;
            standbyThread = null;
        }
        this.tables = new TableLoader(job, settings, job.tables().isEmpty() ? null : store.tables(),
                instanceId + "-" + job.name() + "-tables");
        tables.bindMetrics(metrics.registry());
        for (int i = 0; i < job.threads(); i++) {
            runners.add(new JobRunner(job, settings, store, memberId(instanceId, i), i, metrics, standby,
                    this::createTopics, tables, ownership, failures));
        }
    }

    /**
     * The first thread to start creates what is missing of the job's topics; the others find them
     * made. A failure is not remembered: the thread that met it fails, and the next one tries again.
     */
    private void createTopics() throws InterruptedException {
        synchronized (topicsLock) {
            if (!topicsCreated) {
                JobClients.createTopics(settings, job, new JobPlan(job), topics);
                topicsCreated = true;
            }
        }
    }

    /** The group.instance.id of processing thread {@code thread} of an instance. */
    static String memberId(String instanceId, int thread) {
        return thread == 0 ? instanceId : instanceId + ".t" + thread;
    }

    /** The instance (process) a group member belongs to: its member id without the thread suffix. */
    static String instanceOf(String memberId) {
        return THREAD_SUFFIX.matcher(memberId).replaceFirst("");
    }

    public void start() {
        if (standbyThread != null) {
            standbyThread.start();
        }
        for (int i = 0; i < runners.size(); i++) {
            String name = "tally-job-" + job.name() + (runners.size() == 1 ? "" : "-" + i);
            JobRunner runner = runners.get(i);
            // One failed thread fails the job: the others stop rather than run on with part of its input.
            Thread t = new Thread(() -> {
                runner.run();
                if (runner.status().state() == JobStatus.State.FAILED) {
                    stop();
                }
            }, name);
            threads.add(t);
            t.start();
        }
    }

    /** The job as an operator sees it, over all its threads. */
    public JobStatus status() {
        return JobStatus.combine(job.name(), runners.stream().map(JobRunner::status).toList());
    }

    /** The job's tables in this process: size, lag, loaded and skipped records (for /jobs). */
    public TableLoader tables() {
        return tables;
    }

    /** Each thread finishes or drops its open batch, then stops. */
    public void stop() {
        tables.stop();
        runners.forEach(JobRunner::stop);
    }

    /** Waits until every processing thread ended (stopped or failed), then stops the standby replicas. */
    public synchronized void awaitTermination() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        tables.close();
        if (standby != null && !terminated) {
            terminated = true;
            // Joined for good: the store it writes closes right after this, and a write into a closed
            // RocksDB crashes the JVM.
            while (standbyThread.isAlive()) {
                standby.stop();
                standbyThread.join(5_000);
            }
            standbyAdmin.close(Duration.ofSeconds(1));
        }
    }
}
