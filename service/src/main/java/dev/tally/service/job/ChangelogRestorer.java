package dev.tally.service.job;

import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;
import dev.tally.state.TaskCheckpoint;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Brings a task's local store up to the changelog's end: from the offset stored with the local
 * state (not from the beginning: a crash never forces a full rebuild) to the last stable offset.
 */
final class ChangelogRestorer {
    private final Consumer<byte[], byte[]> consumer;
    private final PaneStore store;
    private final String changelogTopic;
    private final CrashHook crash = CrashHook.fromSystemProperties();

    ChangelogRestorer(Consumer<byte[], byte[]> consumer, PaneStore store, String changelogTopic) {
        this.consumer = consumer;
        this.store = store;
        this.changelogTopic = changelogTopic;
    }

    /** Replays the changelog tail of one task into the store; returns the number of records replayed. */
    long restore(int task) {
        TopicPartition tp = new TopicPartition(changelogTopic, task);
        consumer.assign(List.of(tp));
        Map<TopicPartition, Long> ends = consumer.endOffsets(List.of(tp));
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(List.of(tp));
        long end = ends.get(tp);
        TaskCheckpoint cp = store.checkpoint(task);
        long from = cp.changelogOffset();
        if (from > end) {
            // The local copy claims more than the changelog holds (topic recreated): it cannot be trusted.
            store.dropTask(task);
            cp = TaskCheckpoint.NONE;
            from = -1;
        }
        if (from < begins.get(tp)) {
            from = begins.get(tp);
        }
        if (from >= end) {
            return 0;
        }
        consumer.seek(tp, from);
        byte[] clock = cp.meta();
        long restored = 0;
        while (consumer.position(tp) < end) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (records.isEmpty()) {
                continue;
            }
            try (StoreBatch batch = store.newBatch()) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (InternalRecords.isClock(r.key())) {
                        clock = r.value();
                    } else if (r.value() == null) {
                        batch.delete(task, InternalRecords.pane(r.key()), InternalRecords.key(r.key()));
                    } else {
                        batch.put(task, InternalRecords.pane(r.key()), InternalRecords.key(r.key()), r.value());
                    }
                    restored++;
                }
                batch.checkpoint(task, new TaskCheckpoint(consumer.position(tp), clock));
                store.apply(batch);
            }
            crash.restoreChunkApplied();
        }
        consumer.unsubscribe();
        return restored;
    }
}
