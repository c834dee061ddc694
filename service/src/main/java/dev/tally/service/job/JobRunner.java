package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.batch.LocalRepartition;
import dev.tally.engine.batch.RepartitionSource;
import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.WindowOperator;
import dev.tally.engine.batch.WindowJson;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.KeyedEventSink;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;
import dev.tally.state.TaskCheckpoint;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One processing thread of a job: the batch loop of DESIGN.md. Poll until the batch interval
 * passed or max-records were read; fold records into the batch cache (no store write per record);
 * then hand everything the batch produced to one {@link BatchTransaction}; apply the store writes
 * only after it committed. Partitions assigned to this instance are restored from their changelog
 * tail before they are processed.
 */
final class JobRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobConfig job;
    private final JobPlan plan;
    private final KafkaClientSettings settings;
    private final PaneStore store;
    private final String memberId;
    private final int thread;
    private final JobMetrics metrics;
    private final JobTopics topics;
    private final RecordPipeline pipeline;
    /** The source side of a repartitioning job (lateness per source partition, combining); null otherwise. */
    private final RepartitionSource source;
    private final CommittedSourceTimes peers;
    /** A partial late downstream is a bug: tests fail on it, a production job counts and logs it. */
    private static final boolean STRICT = Boolean.getBoolean("tally.strict");
    private final WindowJson json;
    private final String sourceTopic;
    private final String aggregateTopic;
    private final CrashHook crash = CrashHook.fromSystemProperties();
    private final JobStatus status;

    private final Map<Integer, WindowOperator> tasks = new TreeMap<>();
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private ConsumedPositions positions;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ChangelogRestorer restorer;
    private final StandbyReplicas standby;
    private final TopicCreation topicCreation;
    private JobClients clients;
    private volatile boolean stopping;
    /** Not ready before the first assignment: until then nothing says which tasks must be restored. */
    private boolean assignedOnce;
    private long batchTime;
    private long backoffMs = 100;
    private long consumedInBatch;
    /** Counted per batch, not per record: a meter update per record costs more than folding it. */
    private long sourceRecordsInBatch;
    private final boolean failFast;
    private final long sessionTimeoutMs;
    /** errors: fail met a bad record in a repartitioning job: stop once the repartition topic is drained. */
    private RepartitionDrain drain;
    /** Partitions of the repartition topic: fixed once the topic exists. */
    private int repartitionPartitions;

    // The event sink of the direct (no repartition) path, reused for every record.
    private WindowOperator currentTask;
    private int currentPartition;
    private boolean currentLate;
    private final KeyedEventSink foldSink = this::foldDirect;
    private final KeyedEventSink combineSink = this::combine;

    /**
     * {@code memberId}: this thread's identity in the job's consumer group; {@code standby}: the
     * job's standby replicas in this process (shared by its threads), or null; {@code topicCreation}:
     * the job's topics, created once for all its threads.
     */
    JobRunner(JobConfig job, KafkaClientSettings settings, PaneStore store, String memberId, int thread,
              JobMetrics metrics, StandbyReplicas standby, TopicCreation topicCreation) {
        this.job = job;
        this.plan = new JobPlan(job);
        this.settings = settings;
        this.store = store;
        this.memberId = memberId;
        this.thread = thread;
        this.standby = standby;
        this.topicCreation = topicCreation;
        this.metrics = metrics;
        this.topics = new JobTopics(job.name());
        this.pipeline = RecordPipeline.compile(job);
        this.source = job.key().needsRepartition() ? new RepartitionSource(plan) : null;
        this.json = new WindowJson(plan);
        this.sourceTopic = job.source().topic();
        this.aggregateTopic = topics.tasks(job);
        this.status = new JobStatus(job.name());
        this.peers = source == null || source.time() == null ? null
                : new CommittedSourceTimes(settings, topics.groupId(), sourceTopic);
        this.failFast = job.errors() == JobConfig.ErrorPolicy.FAIL;
        this.sessionTimeoutMs = Long.parseLong(settings.processingConsumer("g", "i")
                .getProperty(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
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
            closeClients();
        }
    }

    private void setup() throws InterruptedException {
        status.starting();
        topicCreation.ensure();
        clients = new JobClients(job, settings, topics, memberId);
        consumer = clients.consumer;
        positions = new ConsumedPositions(consumer, failFast, this::offsetMetadata);
        producer = clients.newProducer();
        restorer = new ChangelogRestorer(clients.restoreConsumer, store, topics.changelog(), crash);
        if (source != null && source.time() != null) {
            source.time().sourcePartitions(consumer.partitionsFor(sourceTopic).size());
        }
        consumer.subscribe(source == null ? List.of(sourceTopic) : List.of(sourceTopic, topics.repartition()), new Rebalances());
        metrics.bindConsumers(consumer, clients.restoreConsumer, topics.changelog());
    }

    private void loop() throws InterruptedException {
        long interval = job.batch().interval().toMillis();
        long intervalNanos = interval * 1_000_000;
        int maxRecords = job.batch().maxRecords();
        // Batches end on a fixed cadence, like Spark's batch interval: the time a batch spends ending
        // and committing counts against the next one's interval, so a record waits at most one
        // interval plus one batch end before its results are visible (not two of each).
        long deadline = System.nanoTime() + intervalNanos;
        while (!stopping) {
            long start = System.nanoTime();
            if (deadline - start <= 0) {
                deadline = start + intervalNanos;
            }
            batchTime = System.currentTimeMillis();
            crash.batchStarted();
            consumedInBatch = 0;
            try {
                while (!stopping && consumedInBatch < maxRecords) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    if (restorer.isRestoring()) {
                        restored(restorer.step(Math.min(left, 100)));
                    }
                    long pollMs = restorer.isRestoring() ? 0 : Math.min(left, 500);
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollMs));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (failFast) {
                            positions.record(r.topic(), r.partition(), r.offset());
                        }
                        process(r);
                        if (failFast) {
                            positions.record(r.topic(), r.partition(), r.offset() + 1);
                        }
                    }
                    consumedInBatch += records.count();
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    throw e;
                }
            } catch (BadRecordStop e) {
                // errors: fail — everything before the bad record commits, the record itself does not.
                commitBatch();
                String message = "bad record at " + e.record.topic() + "-" + e.record.partition()
                        + "@" + e.record.offset() + " (" + e.reason + "): " + e.getMessage()
                        + "; everything before it is committed (errors: fail)";
                if (source == null) {
                    throw new JobFailedException(message);
                }
                drain = new RepartitionDrain(consumer, positions, settings, topics.repartition(), sourceTopic, message);
                log.warn("job {}: {}; draining the repartition topic before stopping", job.name(), message);
            }
            metrics.recordsConsumed.increment(sourceRecordsInBatch);
            sourceRecordsInBatch = 0;
            commitBatch();
            if (drain != null && drain.done()) {
                throw new JobFailedException(drain.message());
            }
            status.ready(assignedOnce && !restorer.isRestoring() && clients.coordinatorReachable(sessionTimeoutMs));
            metrics.batchDuration.record(Duration.ofNanos(System.nanoTime() - start));
            // a batch cut short by max-records restarts the cadence from now
            deadline = Math.min(deadline + intervalNanos, System.nanoTime() + intervalNanos);
            metrics.afterBatch(thread, status.watermarks());
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(sourceTopic)) {
            sourceRecordsInBatch++;
            try {
                if (source != null) {
                    currentPartition = r.partition();
                    currentLate = false;
                    pipeline.process(r.key(), r.value(), r.timestamp(), batchTime, combineSink);
                    if (currentLate) {
                        late(r, "every window of the record's time has closed (watermark of source partition "
                                + r.partition() + ": " + source.time().watermark(r.partition()) + ")");
                    }
                } else {
                    currentTask = task(r.partition());
                    currentLate = false;
                    pipeline.process(r.key(), r.value(), r.timestamp(), batchTime, foldSink);
                    if (currentLate) {
                        late(r, "every window of the record's time has closed (watermark "
                                + currentTask.watermark() + ")");
                    }
                }
            } catch (BadRecordException e) {
                badRecord(r, e.reason(), e.getMessage());
            } catch (IllegalArgumentException e) {
                badRecord(r, BadRecordException.Reason.EXPRESSION_FAILED, e.getMessage());
            }
        } else {
            WindowOperator task = task(r.partition());
            RepartitionRecords.unpack(r.value(), new RepartitionRecords.EntrySink() {
                @Override
                public void entry(byte[] key, long pane, long time, java.nio.ByteBuffer partial) {
                    Accumulator[] acc = plan.decodePartial(partial.duplicate());
                    String k = new String(key, StandardCharsets.UTF_8);
                    if (!task.mergePartial(k, pane, time, acc, batchTime)) {
                        latePartial(new LocalRepartition.LatePartialException(k, pane, time, task.watermark()));
                    }
                }

                @Override
                public void watermark(int sourcePartition, long watermark) {
                    task.inputWatermark(sourcePartition, watermark);
                }
            });
        }
    }

    private void combine(String key, long eventTime, Object[] inputs) {
        if (!source.add(currentPartition, key, eventTime, inputs, batchTime)) {
            currentLate = true;
        }
    }

    /** Lateness is judged at the source, so this is a bug: never a dead letter with an internal payload. */
    private void latePartial(LocalRepartition.LatePartialException e) {
        if (STRICT) {
            throw e;
        }
        metrics.latePartials.increment();
        log.error("job {}: {}", job.name(), e.getMessage());
    }

    /** Known to have nothing left to read: the consumer's lag is known and 0. */
    private boolean sourceCaughtUp(int partition) {
        java.util.OptionalLong lag = consumer.currentLag(new TopicPartition(sourceTopic, partition));
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    /** A source partition's time rides with its committed offset, so its next owner resumes it. */
    private String offsetMetadata(TopicPartition tp) {
        return source != null && source.time() != null && tp.topic().equals(sourceTopic)
                ? source.time().encode(tp.partition()) : "";
    }

    private void foldDirect(String key, long eventTime, Object[] inputs) {
        if (!currentTask.fold(key, eventTime, inputs, batchTime)) {
            currentLate = true;
        }
    }

    private int repartitionPartitions() {
        if (repartitionPartitions == 0) {
            repartitionPartitions = producer.partitionsFor(topics.repartition()).size();
        }
        return repartitionPartitions;
    }

    private WindowOperator task(int partition) {
        WindowOperator t = tasks.get(partition);
        if (t == null) {
            throw new IllegalStateException("record for task " + partition + " which is not restored");
        }
        return t;
    }

    private void late(ConsumerRecord<byte[], byte[]> r, String message) {
        metrics.recordsLate.increment();
        badRecord(r, BadRecordException.Reason.LATE, message);
    }

    private void badRecord(ConsumerRecord<byte[], byte[]> r, BadRecordException.Reason reason, String message) {
        if (job.errors() == JobConfig.ErrorPolicy.FAIL) {
            throw new BadRecordStop(r, reason, message);
        }
        metrics.recordsDeadLettered.increment();
        deadLetters.add(DeadLetters.of(job.deadLetterTopic(), job.name(), r, reason, message));
    }

    /** Ends the batch: send its records as they are built, commit, then apply the store writes. */
    private void commitBatch() throws InterruptedException {
        BatchTransaction tx = new BatchTransaction(producer, crash, topics.changelog());
        deadLetters.forEach(tx::send);
        if (source != null) {
            source.endBatch(System.currentTimeMillis(), peers, this::sourceCaughtUp);
            var packer = new RepartitionRecords.Packer(topics.repartition(), repartitionPartitions(), tx::send);
            source.drain(packer);
            packer.finish();
        }
        KafkaBatchSink sink = new KafkaBatchSink(tx, json, job.sink().topic(), topics.changelog());
        long now = System.currentTimeMillis();
        try (StoreBatch writes = store.newBatch()) {
            for (WindowOperator t : tasks.values()) {
                t.onBatchEnd(store, now, sink, writes);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = positions.toCommit();
            if (tx.sent() == 0 && positions.unchanged(offsets)) {
                tasks.values().forEach(WindowOperator::onCommit);
                return;
            }
            long t0 = System.nanoTime();
            try {
                tx.commit(offsets, consumer.groupMetadata());
            } catch (BatchTransaction.BatchFailedException e) {
                recover(e);
                return;
            }
            metrics.commitLatency.record(Duration.ofNanos(System.nanoTime() - t0));
            for (WindowOperator t : tasks.values()) {
                long end = tx.changelogEnd(t.task());
                if (end >= 0) {
                    writes.checkpoint(t.task(), new TaskCheckpoint(end, t.clockBytes()));
                }
            }
            store.apply(writes);
            tasks.values().forEach(WindowOperator::onCommit);
            if (source != null) {
                source.committed();
            }
            positions.committed(offsets);
            deadLetters.clear();
            backoffMs = 100;
            metrics.transactionsCommitted.increment();
            metrics.recordsProduced.increment(sink.windows);
            status.committed(now, tasks);
        }
    }

    /**
     * A batch failed: drop it, make the producer usable again, and re-read the truth from Kafka:
     * local state from the changelog (the batch may have committed when the outcome was unknown),
     * positions from the group's committed offsets.
     */
    private void recover(BatchTransaction.BatchFailedException e) throws InterruptedException {
        metrics.transactionsAborted.increment();
        log.warn("job {}: batch dropped ({}), recovering", job.name(), e.getMessage());
        deadLetters.clear();
        if (source != null) {
            source.rollback();
        }
        if (e.failure() == BatchTransaction.Failure.ABORTABLE) {
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 5_000);
        } else {
            producer.close(Duration.ZERO);
            producer = clients.newProducer();
        }
        restartTasks(new ArrayList<>(tasks.keySet()));
        rewind(consumer.assignment());
        if (e.failure() == BatchTransaction.Failure.FATAL) {
            consumer.enforceRebalance("producer fenced or broken: " + e.getMessage());
        }
    }


    /** Seeks back to the group's committed offsets; source partitions take back the time committed with them. */
    private void rewind(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = positions.rewind(partitions);
        if (source != null && source.time() != null) {
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(sourceTopic)) {
                    OffsetAndMetadata o = committed.get(tp);
                    source.time().rewind(tp.partition(), o == null ? null : o.metadata());
                }
            }
        }
    }

    /**
     * (Re)starts tasks from local state plus their changelog tail: their input is paused until the
     * restorer reports them caught up; other tasks keep processing meanwhile.
     */
    private void restartTasks(List<Integer> taskIds) {
        for (Integer task : taskIds) {
            tasks.remove(task);
            consumer.pause(List.of(new TopicPartition(aggregateTopic, task)));
        }
        status.ready(false);
        restored(restorer.begin(taskIds));
    }

    private void restored(List<ChangelogRestorer.Restored> done) {
        for (ChangelogRestorer.Restored r : done) {
            metrics.restoredRecords.increment(r.records());
            status.restored(r.records());
            log.info("job {}: task {} restored, {} changelog records replayed in {} ms", job.name(), r.task(), r.records(),
                    r.millis());
            tasks.put(r.task(), WindowOperator.create(r.task(), plan, store, store.checkpoint(r.task()).meta(),
                    System.currentTimeMillis(), plan.watermarksFromSources() ? repartitionPartitions() : 0));
            TopicPartition tp = new TopicPartition(aggregateTopic, r.task());
            if (consumer.assignment().contains(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    private final class Rebalances implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            metrics.rebalances.increment();
            try {
                commitBatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(aggregateTopic)) {
                    tasks.remove(tp.partition());
                    restorer.cancel(tp.partition());
                }
            }
            forgetSources(partitions);
            if (standby != null) {
                standby.unrelease(thread, aggregateTasks(partitions));
            }
            positions.forget(partitions);
            // Inside this callback the consumer's assignment still holds the revoked partitions.
            List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
            kept.removeAll(partitions);
            status.assigned(kept);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignedOnce = true;
            List<Integer> assigned = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(aggregateTopic)) {
                    assigned.add(tp.partition());
                }
            }
            if (standby != null) {
                standby.release(thread, java.util.Set.copyOf(assigned));
            }
            if (!partitions.isEmpty()) {
                // Under read_committed this waits for offsets a previous owner still has pending in an
                // open transaction (KIP-447): a zombie's batch is resolved, committed or aborted,
                // before the changelog end is read for the restore.
                Map<TopicPartition, OffsetAndMetadata> committed =
                        consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(60));
                if (source != null && source.time() != null) {
                    for (TopicPartition tp : partitions) {
                        if (tp.topic().equals(sourceTopic)) {
                            OffsetAndMetadata o = committed.get(tp);
                            source.time().assign(tp.partition(), o == null ? null : o.metadata(), System.currentTimeMillis());
                        }
                    }
                }
            }
            restartTasks(assigned);
            if (!partitions.isEmpty()) {
                status.assigned(consumer.assignment());
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Nothing of the open batch was sent yet: drop it and re-read the state of the tasks we keep.
            metrics.rebalances.increment();
            deadLetters.clear();
            if (source != null) {
                source.rollback();
            }
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(aggregateTopic)) {
                    tasks.remove(tp.partition());
                    restorer.cancel(tp.partition());
                }
            }
            forgetSources(partitions);
            if (standby != null) {
                standby.unrelease(thread, aggregateTasks(partitions));
            }
            positions.forget(partitions);
            restartTasks(new ArrayList<>(tasks.keySet()));
            List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
            kept.removeAll(partitions);
            status.assigned(kept);
            rewind(kept);
        }
    }

    private void forgetSources(Collection<TopicPartition> partitions) {
        if (source != null && source.time() != null) {
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(sourceTopic)) {
                    source.time().revoke(tp.partition());
                }
            }
        }
    }

    private java.util.Set<Integer> aggregateTasks(Collection<TopicPartition> partitions) {
        java.util.Set<Integer> t = new java.util.HashSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(aggregateTopic)) {
                t.add(tp.partition());
            }
        }
        return t;
    }

    private void closeClients() {
        if (clients != null) {
            metrics.unbindConsumers(clients.consumer, clients.restoreConsumer);
            clients.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (peers != null) {
            peers.close();
        }
    }

    /** Makes sure the job's topics exist before the thread's clients use them; done once per job. */
    interface TopicCreation {
        void ensure() throws InterruptedException;
    }

    /** errors: fail met a bad record. */
    private static final class BadRecordStop extends RuntimeException {
        final ConsumerRecord<byte[], byte[]> record;
        final BadRecordException.Reason reason;

        BadRecordStop(ConsumerRecord<byte[], byte[]> record, BadRecordException.Reason reason, String message) {
            super(message, null, false, false);
            this.record = record;
            this.reason = reason;
        }
    }

    /** The job cannot go on; the message says why, for the operator. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String message) {
            super(message);
        }
    }
}
