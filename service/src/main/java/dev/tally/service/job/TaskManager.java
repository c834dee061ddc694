package dev.tally.service.job;

import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.RepartitionSource;
import dev.tally.engine.batch.WindowOperator;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.state.PaneStore;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tasks of one processing thread and their lifecycle: assignment, restore from the changelog,
 * standby hand-over, the source partitions' time, and the rewind after a dropped batch. The
 * rebalance callbacks only record what changed (and pause what is new, so no record reaches a task
 * before it is restored); the loop acts on it in {@link #settle}. The one exception is the open
 * batch of partitions being revoked, which must be committed while they are still ours.
 */
final class TaskManager {
    private static final Logger log = LoggerFactory.getLogger(TaskManager.class);

    private final String jobName;
    private final JobPlan plan;
    private final PaneStore store;
    private final JobMetrics metrics;
    private final JobStatus status;
    private final StandbyReplicas standby;
    private final int thread;
    private final String sourceTopic;
    private final String taskTopic;
    private final RepartitionSource source;
    /** This thread's hold on the tasks whose state it writes: shared with the job's other threads here. */
    private final TaskOwnership.Holder owner;
    private final Map<Integer, WindowOperator> tasks = new TreeMap<>();
    /** The task partitions assigned here, restored or not. */
    private final Set<Integer> owned = new java.util.TreeSet<>();
    private Consumer<byte[], byte[]> consumer;
    private ChangelogRestorer restorer;
    private ConsumedPositions positions;
    private int taskPartitions;
    /** Recorded by the callbacks, acted on by {@link #settle}. */
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> lost = new HashSet<>();
    private boolean assignedOnce;

    TaskManager(String jobName, JobPlan plan, PaneStore store, JobMetrics metrics, JobStatus status, StandbyReplicas standby,
                int thread, String sourceTopic, String taskTopic, RepartitionSource source, TaskOwnership.Holder owner) {
        this.jobName = jobName;
        this.plan = plan;
        this.store = store;
        this.metrics = metrics;
        this.status = status;
        this.standby = standby;
        this.thread = thread;
        this.sourceTopic = sourceTopic;
        this.taskTopic = taskTopic;
        this.source = source;
        this.owner = owner;
    }

    void bind(Consumer<byte[], byte[]> consumer, ChangelogRestorer restorer, ConsumedPositions positions, int taskPartitions) {
        this.consumer = consumer;
        this.restorer = restorer;
        this.positions = positions;
        this.taskPartitions = taskPartitions;
    }

    Map<Integer, WindowOperator> tasks() {
        return tasks;
    }

    WindowOperator task(int partition) {
        WindowOperator t = tasks.get(partition);
        if (t == null) {
            throw new IllegalStateException("record for task " + partition + " which is not restored");
        }
        return t;
    }

    /** Ready once assigned, restored, and nothing recorded waits to be acted on. */
    boolean settled() {
        return assignedOnce && !restorer.isRestoring() && assigned.isEmpty() && lost.isEmpty() && !owner.isWaiting();
    }

    boolean restoring() {
        return restorer.isRestoring();
    }

    /** The rebalance callbacks; {@code commitOpenBatch} finishes the batch of partitions being revoked. */
    ConsumerRebalanceListener listener(Runnable commitOpenBatch) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (partitions.isEmpty()) {
                    return;
                }
                metrics.rebalances.increment();
                commitOpenBatch.run();
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                assignedOnce = true;
                // Paused until the loop has their committed time and restored state.
                consumer.pause(partitions);
                assigned.addAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                metrics.rebalances.increment();
                lost.addAll(partitions);
                forget(partitions);
            }
        };
    }

    private void forget(Collection<TopicPartition> partitions) {
        Set<Integer> gone = new HashSet<>();
        for (TopicPartition tp : partitions) {
            assigned.remove(tp);
            if (tp.topic().equals(taskTopic)) {
                closeTask(tasks.remove(tp.partition()));
                owned.remove(tp.partition());
                restorer.cancel(tp.partition());
                gone.add(tp.partition());
            }
            if (tp.topic().equals(sourceTopic) && source != null && source.time() != null) {
                source.time().revoke(tp.partition());
            }
        }
        owner.release(gone);
        if (standby != null) {
            standby.unrelease(thread, gone);
        }
        positions.forget(partitions);
        // Inside a callback the consumer's assignment still holds the partitions going away.
        List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
        kept.removeAll(partitions);
        status.assigned(kept);
    }

    /**
     * Acts on what the callbacks recorded. Returns true when the records of the last poll must be
     * dropped: partitions were lost, so the open batch was dropped and the kept ones rewound.
     */
    boolean settle(Runnable dropOpenBatch) {
        boolean drop = false;
        List<Integer> freed = owner.acquireWaiting();
        if (!freed.isEmpty()) {
            log.info("job {}: {} took tasks {} another thread here let go of", jobName, owner.name(), freed);
            restart(freed);
        }
        if (!lost.isEmpty()) {
            lost.clear();
            dropOpenBatch.run();
            restartAll();
            rewind(consumer.assignment());
            drop = true;
        }
        if (!assigned.isEmpty()) {
            List<TopicPartition> fresh = new ArrayList<>(assigned);
            // Under read_committed this waits for offsets a previous owner still has pending in an open
            // transaction (KIP-447): a zombie's batch is resolved before the changelog end is read.
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(fresh), Duration.ofSeconds(60));
            // Cleared only now: if the broker did not answer, the loop tries again after a backoff.
            assigned.removeAll(fresh);
            List<Integer> newTasks = new ArrayList<>();
            List<TopicPartition> sources = new ArrayList<>();
            for (TopicPartition tp : fresh) {
                if (tp.topic().equals(taskTopic)) {
                    newTasks.add(tp.partition());
                }
                if (tp.topic().equals(sourceTopic)) {
                    sources.add(tp);
                    if (source != null && source.time() != null) {
                        OffsetAndMetadata o = committed.get(tp);
                        source.time().assign(tp.partition(), o == null ? null : o.metadata(), System.currentTimeMillis());
                    }
                }
            }
            owned.addAll(newTasks);
            if (standby != null) {
                standby.release(thread, Set.copyOf(newTasks));
            }
            if (!taskTopic.equals(sourceTopic)) {
                // A repartitioning job's source partitions hold no state: they start now.
                consumer.resume(sources);
            }
            List<Integer> held = owner.acquire(newTasks);
            if (held.size() < newTasks.size()) {
                log.info("job {}: {} waits for tasks another thread here still holds; they stay paused", jobName, owner.name());
            }
            restart(held);
            status.assigned(consumer.assignment());
        }
        return drop;
    }

    /** Restores pending tasks a slice at a time, between polls. */
    void restoreStep(long maxMillis) {
        if (restorer.isRestoring()) {
            restored(restorer.step(maxMillis));
        }
    }

    private static void closeTask(WindowOperator t) {
        if (t != null) {
            t.close();
        }
    }

    /** Every task of this thread goes away (the thread stops). */
    void closeAll() {
        tasks.values().forEach(WindowOperator::close);
        tasks.clear();
        owner.releaseAll();
    }

    /** Every task assigned here starts over from local state and its changelog (after a dropped batch or an outage). */
    void restartAll() {
        restart(owner.held(owned));
    }

    /**
     * (Re)starts tasks from local state plus their changelog tail: their input is paused until the
     * restorer reports them caught up; other tasks keep processing meanwhile.
     */
    void restart(List<Integer> taskIds) {
        for (Integer task : taskIds) {
            owner.check(task);
            closeTask(tasks.remove(task));
            consumer.pause(List.of(new TopicPartition(taskTopic, task)));
        }
        status.ready(false);
        restored(restorer.begin(taskIds));
    }

    private void restored(List<ChangelogRestorer.Restored> done) {
        for (ChangelogRestorer.Restored r : done) {
            metrics.restoredRecords.increment(r.records());
            status.restored(r.records());
            owner.check(r.task());
            log.info("job {}: task {} restored, {} changelog records replayed in {} ms", jobName, r.task(), r.records(),
                    r.millis());
            tasks.put(r.task(), WindowOperator.create(r.task(), plan, store, store.checkpoint(r.task()).meta(),
                    System.currentTimeMillis(), plan.watermarksFromSources() ? taskPartitions : 0));
            TopicPartition tp = new TopicPartition(taskTopic, r.task());
            if (consumer.assignment().contains(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    /** Seeks back to the group's committed offsets; source partitions take back the time committed with them. */
    void rewind(Collection<TopicPartition> partitions) {
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
     * Known to have nothing left to read (asked only for a source partition that never had a
     * record): the consumer's lag is 0, or, before any fetch answered for it, its position has
     * reached its end (the last stable offset, under read_committed).
     */
    boolean sourceCaughtUp(int partition) {
        TopicPartition tp = new TopicPartition(sourceTopic, partition);
        java.util.OptionalLong lag = consumer.currentLag(tp);
        if (lag.isPresent()) {
            return lag.getAsLong() == 0;
        }
        try {
            Long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(5)).get(tp);
            return end != null && consumer.position(tp, Duration.ofSeconds(5)) >= end;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        }
    }
}
