package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.RepartitionSource;
import dev.tally.engine.batch.WindowJson;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.state.PaneStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * One processing thread of a job: the batch loop of DESIGN.md. Poll until the batch interval
 * passed or max-records were read, routing each record into the batch ({@link RecordRouter});
 * act on what rebalances changed ({@link TaskManager}); end the batch in one transaction
 * ({@link BatchCommitter}); after a failed batch, re-read the truth from Kafka.
 */
final class JobRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobConfig job;
    private final KafkaClientSettings settings;
    private final String memberId;
    private final int thread;
    private final JobMetrics metrics;
    private final JobTopics topics;
    private final String sourceTopic;
    private final CrashHook crash = CrashHook.fromSystemProperties();
    private final JobStatus status;
    private final PaneStore store;
    private final TopicCreation topicCreation;
    private final TableLoader tables;
    private final JobPlan plan;
    /** The source side of a repartitioning job (lateness per source partition, combining); null otherwise. */
    private final RepartitionSource source;
    private final CommittedSourceTimes peers;
    private final TaskManager tasks;
    private final RecordRouter router;
    private final BatchCommitter committer;
    private final boolean failFast;
    private JobClients clients;
    private KafkaConsumer<byte[], byte[]> consumer;
    private ConsumedPositions positions;
    private BatchCommitter.Batch batch;
    private volatile boolean stopping;
    private long sessionTimeoutMs;
    /** A batch committed from a rebalance callback failed: the loop recovers before it goes on. */
    private BatchCommitter.Result failedInCallback;
    /** The loop ended: a rebalance callback while the clients close commits nothing. */
    private volatile boolean abandoned;
    private final KafkaWaits waits;
    private final BatchRecovery recovery;
    /** errors: fail met a bad record in a repartitioning job: stop once the repartition topic is drained. */
    private RepartitionDrain drain;

    /**
     * {@code memberId}: this thread's identity in the job's consumer group; {@code standby}: the
     * job's standby replicas in this process (shared by its threads), or null; {@code topicCreation}:
     * the job's topics, created once for all its threads.
     */
    JobRunner(JobConfig job, KafkaClientSettings settings, PaneStore store, String memberId, int thread,
              JobMetrics metrics, StandbyReplicas standby, TopicCreation topicCreation, TableLoader tables,
              TaskOwnership ownership, ThreadFailures failures) {
        this.job = job;
        this.settings = settings;
        this.store = store;
        this.memberId = memberId;
        this.thread = thread;
        this.metrics = metrics;
        this.topicCreation = topicCreation;
        this.tables = tables;
        this.plan = new JobPlan(job);
        this.topics = new JobTopics(job.name());
        this.sourceTopic = job.source().topic();
        this.status = new JobStatus(job.name(), failures);
        this.failFast = job.errors() == JobConfig.ErrorPolicy.FAIL;
        this.source = job.key().needsRepartition() ? new RepartitionSource(plan) : null;
        this.peers = source == null || source.time() == null ? null : new CommittedSourceTimes(settings, topics.groupId(), sourceTopic);
        this.tasks = new TaskManager(job.name(), plan, store, metrics, status, standby, thread, sourceTopic, topics.tasks(job), source,
                ownership.holder("processing thread " + thread));
        this.router = new RecordRouter(job, plan, metrics, source, tasks::task, tables.tables().views());
        this.committer = new BatchCommitter(store, topics, job.sink().topic(), new WindowJson(plan), crash);
        this.waits = new KafkaWaits(job.name(), status, () -> stopping);
        this.recovery = new BatchRecovery(job.name(), metrics, tasks, router, source, waits);
    }

    JobStatus status() {
        return status;
    }

    /** Asks the loop to finish its batch and stop; safe from any thread (SIGTERM hook). */
    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try {
            setup();
            loop();
            status.stopped();
        } catch (FencedInstanceIdException e) {
            status.failed("another instance with identity " + memberId + " took over this job's partitions: " + e.getMessage());
            log.error("job {}: {}", job.name(), status.error());
        } catch (JobFailedException e) {
            status.failed(e.getMessage());
            log.error("job {} stopped: {}", job.name(), e.getMessage());
        } catch (RuntimeException | InterruptedException e) {
            status.failed(e.toString());
            log.error("job {} failed", job.name(), e);
        } finally {
            // A failed thread leaves its open batch to the next owner: closing the consumer must not commit it.
            abandoned = true;
            closeClients();
        }
    }

    private void setup() throws InterruptedException {
        status.starting();
        waits.awaitTopics(topicCreation);
        clients = new JobClients(job, settings, topics, memberId);
        recovery.bind(clients);
        consumer = clients.consumer;
        sessionTimeoutMs = Long.parseLong(settings.processingConsumer("g", "i").getProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        positions = new ConsumedPositions(consumer, failFast,
                tp -> source != null && source.time() != null && tp.topic().equals(sourceTopic) ? source.time().encode(tp.partition()) : "");
        int taskPartitions = waits.partitionCount(consumer, topics.tasks(job));
        if (source != null && source.time() != null) {
            source.time().sourcePartitions(waits.partitionCount(consumer, sourceTopic));
        }
        tasks.bind(consumer, new ChangelogRestorer(clients.restoreConsumer, store, topics.changelog(), crash), positions, taskPartitions);
        batch = new BatchCommitter.Batch(tasks.tasks(), router, source, peers, tasks::sourceCaughtUp, taskPartitions, positions);
        tables.loadAtStart();
        consumer.subscribe(source == null ? List.of(sourceTopic) : List.of(sourceTopic, topics.repartition()),
                tasks.listener(this::commitInCallback));
        metrics.bindConsumers(consumer, clients.restoreConsumer, topics.changelog());
    }

    private void loop() throws InterruptedException {
        long intervalNanos = job.batch().interval().toNanos();
        int maxRecords = job.batch().maxRecords();
        // Batches end on a fixed cadence, like Spark's batch interval: the time a batch spends ending
        // and committing counts against the next one's interval.
        long deadline = System.nanoTime() + intervalNanos;
        while (!stopping) {
            long start = System.nanoTime();
            deadline = deadline - start <= 0 ? start + intervalNanos : deadline;
            long batchTime = System.currentTimeMillis();
            crash.batchStarted();
            tables.catchUp();
            try {
                recovery.startOverAfterOutage();
                for (int consumed = 0; !stopping && consumed < maxRecords; ) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    tasks.restoreStep(Math.min(left, 100));
                    long pollMs = tasks.restoring() ? 0 : Math.min(left, tasks.settled() ? 500 : 20); // new partitions wait paused
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollMs));
                    if (settle()) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        route(r, batchTime);
                    }
                    consumed += records.count();
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    throw e;
                }
            } catch (RecordRouter.BadRecordStop e) {
                stopAt(e);
            } catch (org.apache.kafka.common.errors.RetriableException e) {
                // The broker did not answer in time (a restore's end offsets, committed offsets,
                // initTransactions): drop the batch and start over from what Kafka has, with backoff.
                waits.unreachable(e);
                recovery.dropOpenBatch();
                metrics.transactionsAborted.increment();
                continue;
            }
            metrics.recordsConsumed.increment(router.takeSourceRecords());
            endBatch(commit());
            if (drain != null && drain.done()) {
                throw new JobFailedException(drain.message());
            }
            status.ready(tasks.settled() && clients.coordinatorReachable(sessionTimeoutMs) && tables.caughtUp());
            metrics.batchDuration.record(Duration.ofNanos(System.nanoTime() - start));
            // a batch cut short by max-records restarts the cadence from now
            deadline = Math.min(deadline + intervalNanos, System.nanoTime() + intervalNanos);
            metrics.afterBatch(thread, status.watermarks());
        }
    }

    /** Acts on rebalances and on a batch that failed inside one; true when the last poll's records are stale. */
    private boolean settle() throws InterruptedException {
        boolean stale = tasks.settle(recovery::dropOpenBatch);
        if (failedInCallback != null) {
            BatchCommitter.Result failed = failedInCallback;
            failedInCallback = null;
            recovery.recover(failed);
            return true;
        }
        return stale;
    }

    private void route(ConsumerRecord<byte[], byte[]> r, long batchTime) {
        if (failFast) {
            positions.record(r.topic(), r.partition(), r.offset());
        }
        router.route(r, batchTime);
        if (failFast) {
            positions.record(r.topic(), r.partition(), r.offset() + 1);
        }
    }

    /** errors: fail: everything before the bad record commits, the record itself does not. */
    private void stopAt(RecordRouter.BadRecordStop e) throws InterruptedException {
        endBatch(commit());
        String message = "bad record at " + e.record.topic() + "-" + e.record.partition() + "@" + e.record.offset()
                + " (" + e.reason + "): " + e.getMessage() + "; everything before it is committed (errors: fail)";
        if (source == null) {
            throw new JobFailedException(message);
        }
        drain = new RepartitionDrain(consumer, positions, settings, topics.repartition(), sourceTopic, message);
        log.warn("job {}: {}; draining the repartition topic before stopping", job.name(), message);
    }

    private BatchCommitter.Result commit() {
        return committer.commit(batch, recovery.producer(), consumer, System.currentTimeMillis());
    }

    /** Inside onPartitionsRevoked: the open batch is finished while its partitions are ours; recovery waits for the loop. */
    private void commitInCallback() {
        BatchCommitter.Result r = abandoned ? null : commit();
        if (r != null && r.succeeded()) {
            committed(r);
        } else if (r != null) {
            failedInCallback = r;
        }
    }

    private void endBatch(BatchCommitter.Result r) throws InterruptedException {
        if (r.succeeded()) {
            committed(r);
        } else {
            recovery.recover(r);
        }
    }

    private void committed(BatchCommitter.Result r) {
        if (r.outcome() == BatchCommitter.Outcome.COMMITTED) {
            recovery.committed();
            metrics.commitLatency.record(Duration.ofNanos(r.commitNanos()));
            metrics.transactionsCommitted.increment();
            metrics.recordsProduced.increment(r.windows());
            status.committed(System.currentTimeMillis(), tasks.tasks());
        }
    }

    private void closeClients() {
        tasks.closeAll();
        if (clients != null) {
            metrics.unbindConsumers(clients.consumer, clients.restoreConsumer);
            clients.close();
        }
        recovery.close();
        if (peers != null) {
            peers.close();
        }
    }

    /** Makes sure the job's topics exist before the thread's clients use them; done once per job. */
    interface TopicCreation {
        void ensure() throws InterruptedException;
    }

    /** The job cannot go on; the message says why, for the operator. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String message) {
            super(message);
        }
    }
}
