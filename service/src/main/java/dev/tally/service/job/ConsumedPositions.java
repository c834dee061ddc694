package dev.tally.service.job;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Where the processing consumer stands: the offsets the last committed batch handed to its
 * transaction, the offsets the open batch will commit, and the rewind to the group's committed
 * offsets after a batch was dropped (the consumer does not rewind by itself).
 */
final class ConsumedPositions {
    private final Consumer<byte[], byte[]> consumer;
    /** With errors: fail, offsets advance per processed record, so a stop commits exactly up to the bad one. */
    private final boolean perRecord;
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private Map<TopicPartition, OffsetAndMetadata> committed = Map.of();

    /** What rides with each committed offset (a source partition's time); "" for nothing. */
    private final java.util.function.Function<TopicPartition, String> metadata;

    ConsumedPositions(Consumer<byte[], byte[]> consumer, boolean perRecord,
                      java.util.function.Function<TopicPartition, String> metadata) {
        this.consumer = consumer;
        this.perRecord = perRecord;
        this.metadata = metadata;
    }

    ConsumedPositions(Consumer<byte[], byte[]> consumer, boolean perRecord) {
        this(consumer, perRecord, tp -> "");
    }

    boolean perRecord() {
        return perRecord;
    }

    /** errors: fail only: the record at {@code offset} is being processed (before) or done (after). */
    void record(String topic, int partition, long nextOffset) {
        processed.put(new TopicPartition(topic, partition), new OffsetAndMetadata(nextOffset));
    }

    /**
     * The positions to commit with the open batch: the consumer's {@code position()} of every
     * partition it is processing (past transaction markers, so lag can reach 0), not "last offset + 1".
     */
    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(committed);
        if (perRecord) {
            processed.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o.offset(), metadata.apply(tp))));
            return offsets;
        }
        for (TopicPartition tp : consumer.assignment()) {
            if (!consumer.paused().contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(consumer.position(tp), metadata.apply(tp)));
            }
        }
        offsets.keySet().retainAll(consumer.assignment());
        return offsets;
    }

    boolean unchanged(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return offsets.equals(committed);
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        committed = offsets;
        processed.clear();
    }

    /**
     * Partitions that moved away: their last committed offset is another owner's business now,
     * and must not be committed again should they come back while their task restores.
     */
    void forget(Collection<TopicPartition> partitions) {
        if (committed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> kept = new HashMap<>(committed);
        kept.keySet().removeAll(partitions);
        committed = kept;
        processed.keySet().removeAll(partitions);
    }

    /**
     * The open batch was dropped: seek the partitions back to the group's committed offsets, which
     * are returned (with their metadata).
     */
    Map<TopicPartition, OffsetAndMetadata> rewind(Collection<TopicPartition> partitions) {
        processed.clear();
        committed = Map.of();
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> groupOffsets = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = groupOffsets.get(tp);
            if (o == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, o);
            }
        }
        // seekToBeginning of an empty collection seeks EVERY assigned partition to its beginning.
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        return groupOffsets;
    }
}
