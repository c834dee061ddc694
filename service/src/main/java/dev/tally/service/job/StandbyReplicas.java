package dev.tally.service.job;

import dev.tally.state.PaneStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * Warm copies of other instances' tasks ({@code standby-replicas: N}): for each task, the N group
 * members after its owner (ordered by instance id, as a ring) tail its changelog into their local
 * store, checkpoint included, so when the task fails over to one of them only the last few
 * batches are replayed. Runs on its own thread with its own consumer, one per job and process; a
 * processing thread takes a task back with {@link #release} before it restores and processes it.
 */
final class StandbyReplicas implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StandbyReplicas.class);
    private static final long REFRESH_MS = 5_000;
    /** Its name in the job's {@link TaskOwnership}. */
    static final String OWNER = "standby thread";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final PaneStore store;
    private final String changelogTopic;
    private final String aggregateTopic;
    private final String groupId;
    private final String instanceId;
    private final int replicas;
    private final TaskOwnership ownership;
    private final ThreadFailures failures;
    /** Per processing thread of the job here, the tasks it owns or is restoring: never written from here. Guarded by this. */
    private final Map<Integer, Set<Integer>> excluded = new HashMap<>();
    private final Map<Integer, byte[]> clocks = new HashMap<>();
    private volatile boolean stopping;
    private volatile Set<Integer> standing = Set.of();

    StandbyReplicas(KafkaConsumer<byte[], byte[]> consumer, Admin admin, PaneStore store, String changelogTopic,
                    String aggregateTopic, String groupId, String instanceId, int replicas, TaskOwnership ownership,
                    ThreadFailures failures) {
        this.consumer = consumer;
        this.admin = admin;
        this.store = store;
        this.changelogTopic = changelogTopic;
        this.aggregateTopic = aggregateTopic;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.replicas = replicas;
        this.ownership = ownership;
        this.failures = failures;
    }

    /** Tasks a processing thread here owned since this consumer last read them. */
    private final Set<Integer> stale = new HashSet<>();

    /** Tasks this instance keeps warm now. */
    Set<Integer> standing() {
        return standing;
    }

    /** Processing thread {@code thread} takes these tasks: once this returns, no standby write to them happens. */
    synchronized void release(int thread, Set<Integer> tasks) {
        excluded.computeIfAbsent(thread, t -> new HashSet<>()).addAll(tasks);
        // Under this monitor no chunk is being applied: the processing thread can take them at once.
        tasks.forEach(t -> ownership.release(t, OWNER));
        // While a thread owns them, the store moves on without this consumer: when they come back,
        // tailing must restart from the store's checkpoint, not from where this consumer stopped.
        stale.addAll(tasks);
    }

    /** Processing thread {@code thread} gave these tasks up: they may be kept warm again. */
    synchronized void unrelease(int thread, Set<Integer> tasks) {
        Set<Integer> owned = excluded.get(thread);
        if (owned != null) {
            owned.removeAll(tasks);
        }
    }

    /** Tasks given back since a thread owned them: tail again from what the store holds. */
    private void seekStaleToCheckpoints() {
        for (TopicPartition tp : consumer.assignment()) {
            int task = tp.partition();
            if (stale.contains(task) && !isExcluded(task)) {
                long from = store.checkpoint(task).changelogOffset();
                clocks.put(task, store.checkpoint(task).meta());
                if (from < 0) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, from);
                }
                stale.remove(task);
            }
        }
    }

    private boolean isExcluded(int task) {
        for (Set<Integer> owned : excluded.values()) {
            if (owned.contains(task)) {
                return true;
            }
        }
        return false;
    }

    void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        long nextRefresh = 0;
        try {
            while (!stopping) {
                if (System.currentTimeMillis() >= nextRefresh) {
                    reassign(desiredTasks());
                    nextRefresh = System.currentTimeMillis() + REFRESH_MS;
                }
                if (consumer.assignment().isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                synchronized (this) {
                    seekStaleToCheckpoints();
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                synchronized (this) {
                    for (TopicPartition tp : records.partitions()) {
                        int task = tp.partition();
                        if (isExcluded(task) || stale.contains(task)) {
                            continue;
                        }
                        if (!ownership.tryAcquire(task, OWNER)) {
                            stale.add(task); // read, not applied: read again from the checkpoint once it is free
                            continue;
                        }
                        clocks.put(task, ChangelogRestorer.applyChunk(store, task, records.records(tp), clocks.get(task),
                                    consumer.position(tp)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (stopping && e instanceof WakeupException) {
                return;
            }
            // The job runs on without warm copies (only a failover gets slower), so this must show
            // somewhere other than the log: /jobs failures and tally_thread_failures_total.
            log.error("standby replicas of group {} stopped; tasks fail over with a full restore from now on", groupId, e);
            failures.record(ThreadFailures.Kind.STANDBY, e.toString());
        } finally {
            ownership.releaseAll(OWNER);
            consumer.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Tasks owned by the N instances before this one in the ring of instances (ordered by
     * instance id). An instance is a process: the processing threads of one process are group
     * members of one instance ({@link JobGroup#instanceOf}), and share its local store, so a
     * process never keeps its own tasks as standbys.
     */
    private Set<Integer> desiredTasks() throws InterruptedException {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
            Map<String, List<MemberDescription>> byInstance = new TreeMap<>();
            for (MemberDescription m : group.members()) {
                String instance = JobGroup.instanceOf(m.groupInstanceId().orElse(m.consumerId()));
                byInstance.computeIfAbsent(instance, i -> new ArrayList<>()).add(m);
            }
            List<String> instances = new ArrayList<>(byInstance.keySet());
            int me = instances.indexOf(instanceId);
            Set<Integer> tasks = new HashSet<>();
            if (me < 0 || instances.size() < 2) {
                return tasks;
            }
            for (int k = 1; k <= Math.min(replicas, instances.size() - 1); k++) {
                for (MemberDescription owner : byInstance.get(instances.get(Math.floorMod(me - k, instances.size())))) {
                    for (TopicPartition tp : owner.assignment().topicPartitions()) {
                        if (tp.topic().equals(aggregateTopic)) {
                            tasks.add(tp.partition());
                        }
                    }
                }
            }
            return tasks;
        } catch (ExecutionException | KafkaException e) {
            log.warn("standby replicas of group {}: cannot read the group ({}); keeping the current set", groupId, e.toString());
            return standing;
        }
    }

    private void reassign(Set<Integer> desired) {
        Set<Integer> wanted = new HashSet<>(desired);
        synchronized (this) {
            wanted.removeIf(this::isExcluded);
        }
        if (wanted.equals(standing)) {
            return;
        }
        synchronized (this) {
            standing.stream().filter(t -> !wanted.contains(t)).forEach(t -> ownership.release(t, OWNER));
        }
        Set<TopicPartition> current = consumer.assignment();
        List<TopicPartition> tps = wanted.stream().map(t -> new TopicPartition(changelogTopic, t)).toList();
        consumer.assign(tps);
        for (TopicPartition tp : tps) {
            if (!current.contains(tp)) {
                synchronized (this) {
                    stale.remove(tp.partition());
                }
                long from = store.checkpoint(tp.partition()).changelogOffset();
                clocks.put(tp.partition(), store.checkpoint(tp.partition()).meta());
                if (from < 0) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, from);
                }
            }
        }
        log.info("standby replicas of group {}: keeping tasks {} warm", groupId, wanted);
        standing = Set.copyOf(wanted);
    }
}
