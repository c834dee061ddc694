package dev.tally.service.job;

import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;
import dev.tally.state.TaskCheckpoint;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings tasks' local stores up to their changelog's end: from the offset stored with the local
 * state (not from the beginning: a crash never forces a full rebuild) to the last stable offset.
 * Restoring is done in slices between polls of the processing consumer, so a large restore
 * never holds the poll loop past max.poll.interval.ms and restored tasks keep processing.
 */
final class ChangelogRestorer {
    private final Consumer<byte[], byte[]> consumer;
    private final PaneStore store;
    private final String changelogTopic;
    private final CrashHook crash;
    private final Map<TopicPartition, Restoring> active = new HashMap<>();

    /** A task whose restore finished: how many changelog records it replayed, in how long. */
    record Restored(int task, long records, long millis) {
    }

    private static final class Restoring {
        final int task;
        final long end;
        final long startNanos = System.nanoTime();
        byte[] clock;
        long records;

        Restoring(int task, long end, byte[] clock) {
            this.task = task;
            this.end = end;
            this.clock = clock;
        }
    }

    ChangelogRestorer(Consumer<byte[], byte[]> consumer, PaneStore store, String changelogTopic, CrashHook crash) {
        this.consumer = consumer;
        this.store = store;
        this.changelogTopic = changelogTopic;
        this.crash = crash;
    }

    /** Starts restoring a task; a task with nothing to replay is returned as restored at once. */
    List<Restored> begin(List<Integer> tasks) {
        List<Restored> done = new ArrayList<>();
        List<TopicPartition> tps = tasks.stream().map(t -> new TopicPartition(changelogTopic, t)).toList();
        if (tps.isEmpty()) {
            return done;
        }
        tps.forEach(active::remove);
        Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps);
        Map<TopicPartition, Long> seeks = new HashMap<>();
        for (TopicPartition tp : tps) {
            int task = tp.partition();
            long end = ends.get(tp);
            TaskCheckpoint cp = store.checkpoint(task);
            long from = cp.changelogOffset();
            if (from > end) {
                // The local copy claims more than the changelog holds (topic recreated): it cannot be trusted.
                store.dropTask(task);
                cp = TaskCheckpoint.NONE;
                from = -1;
            }
            from = Math.max(from, begins.get(tp));
            if (from >= end) {
                done.add(new Restored(task, 0, 0));
            } else {
                active.put(tp, new Restoring(task, end, cp.meta()));
                seeks.put(tp, from);
            }
        }
        consumer.assign(active.keySet());
        seeks.forEach(consumer::seek);
        return done;
    }

    /** Forgets a task that moved away while restoring; what was applied stays, with its checkpoint. */
    void cancel(int task) {
        if (active.remove(new TopicPartition(changelogTopic, task)) != null) {
            consumer.assign(active.keySet());
        }
    }

    boolean isRestoring() {
        return !active.isEmpty();
    }

    /** Changelog records still to replay, for the restore-progress metric. */
    long remaining() {
        long n = 0;
        for (Map.Entry<TopicPartition, Restoring> e : active.entrySet()) {
            n += Math.max(0, e.getValue().end - consumer.position(e.getKey()));
        }
        return n;
    }

    /** Replays for about {@code maxMillis}; returns the tasks that reached their changelog's end. */
    List<Restored> step(long maxMillis) {
        List<Restored> done = new ArrayList<>();
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.max(1, maxMillis / 2)));
            for (TopicPartition tp : records.partitions()) {
                apply(active.get(tp), records.records(tp), tp);
            }
            List<TopicPartition> finished = new ArrayList<>();
            for (Map.Entry<TopicPartition, Restoring> e : active.entrySet()) {
                if (consumer.position(e.getKey()) >= e.getValue().end) {
                    Restoring r = e.getValue();
                    finished.add(e.getKey());
                    done.add(new Restored(r.task, r.records, (System.nanoTime() - r.startNanos) / 1_000_000));
                }
            }
            if (!finished.isEmpty()) {
                finished.forEach(active::remove);
                consumer.assign(active.keySet());
            }
        }
        return done;
    }

    private void apply(Restoring r, List<ConsumerRecord<byte[], byte[]>> records, TopicPartition tp) {
        if (r == null || records.isEmpty()) {
            return;
        }
        r.clock = applyChunk(store, r.task, records, r.clock, consumer.position(tp));
        r.records += records.size();
        crash.restoreChunkApplied();
    }

    /**
     * Applies changelog records of one task to the store in one atomic write, with the position
     * they bring the task to; returns the task clock as of the last clock record seen.
     */
    static byte[] applyChunk(PaneStore store, int task, List<ConsumerRecord<byte[], byte[]>> records, byte[] clock,
                             long nextOffset) {
        try (StoreBatch batch = store.newBatch()) {
            for (ConsumerRecord<byte[], byte[]> rec : records) {
                if (InternalRecords.isClock(rec.key())) {
                    clock = rec.value();
                } else if (rec.value() == null) {
                    batch.delete(task, InternalRecords.pane(rec.key()), InternalRecords.key(rec.key()));
                } else {
                    batch.put(task, InternalRecords.pane(rec.key()), InternalRecords.key(rec.key()), rec.value());
                }
            }
            batch.checkpoint(task, new TaskCheckpoint(nextOffset, clock));
            store.apply(batch);
        }
        return clock;
    }
}
