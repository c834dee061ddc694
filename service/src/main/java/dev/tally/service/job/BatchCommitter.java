package dev.tally.service.job;

import dev.tally.connectors.JobTopics;
import dev.tally.engine.batch.RepartitionSource;
import dev.tally.engine.batch.SourceTime;
import dev.tally.engine.batch.WindowJson;
import dev.tally.engine.batch.WindowOperator;
import dev.tally.state.PaneStore;
import dev.tally.state.StoreBatch;
import dev.tally.state.TaskCheckpoint;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One batch, end to end: what the batch produced becomes visible together with its consumed
 * offsets, and only then reaches the local store. The Kafka half of the protocol is
 * {@link BatchTransaction}; this class is the whole of it:
 *
 * <ol>
 *   <li>Send the batch's dead letters, then (repartitioning jobs) its partials and the source
 *       watermarks that moved, then each task's batch end: window results and changelog records,
 *       with the store writes collected in one {@link StoreBatch}.</li>
 *   <li>Nothing sent and no offset moved: nothing to commit ({@link Outcome#IDLE}).</li>
 *   <li>Commit the transaction with the consumed positions (and the source partitions' time in
 *       their metadata). A failure returns {@link Outcome#ABORTED}, {@link Outcome#FENCED} or
 *       {@link Outcome#UNKNOWN}; nothing was applied, and the caller rewinds.</li>
 *   <li>Only after COMMITTED: each task's checkpoint (its changelog end and clock) joins the store
 *       batch, which is applied in one write. The local store may lag the changelog, never lead it.</li>
 *   <li>The committed batch becomes the rollback point of the tasks, the source time and the positions.</li>
 * </ol>
 */
final class BatchCommitter {

    /** What happened to a batch. */
    enum Outcome {
        /** Nothing to commit. */
        IDLE,
        COMMITTED,
        /** Aborted: rewind and retry with backoff. */
        ABORTED,
        /** The producer is fenced or broken: close it, rejoin. */
        FENCED,
        /** commitTransaction timed out: the batch may or may not have committed; never abort, rebuild. */
        UNKNOWN
    }

    /** The outcome, with the windows a committed batch emitted, its commit latency, and a failure's cause. */
    record Result(Outcome outcome, int windows, long commitNanos, Exception cause) {
        /** Committed, or nothing to commit: no recovery needed. */
        boolean succeeded() {
            return outcome == Outcome.COMMITTED || outcome == Outcome.IDLE;
        }
    }

    private final PaneStore store;
    private final JobTopics topics;
    private final String sinkTopic;
    private final WindowJson json;
    private final CrashHook crash;

    BatchCommitter(PaneStore store, JobTopics topics, String sinkTopic, WindowJson json, CrashHook crash) {
        this.store = store;
        this.topics = topics;
        this.sinkTopic = sinkTopic;
        this.json = json;
        this.crash = crash;
    }

    /** What the batch is made of; {@code source}, {@code peers} and {@code caughtUp} are null without a repartition. */
    record Batch(Map<Integer, WindowOperator> tasks, RecordRouter router, RepartitionSource source,
                 SourceTime.Peers peers, IntPredicate caughtUp, int repartitionPartitions, ConsumedPositions positions) {
    }

    Result commit(Batch b, Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, long wallNow) {
        BatchTransaction tx = new BatchTransaction(producer, crash, topics.changelog());
        b.router().deadLetters().forEach(tx::send);
        if (b.source() != null) {
            b.source().endBatch(wallNow, b.peers(), b.caughtUp());
            var packer = new RepartitionRecords.Packer(topics.repartition(), b.repartitionPartitions(), tx::send);
            b.source().drain(packer);
            packer.finish();
        }
        KafkaBatchSink sink = new KafkaBatchSink(tx, json, sinkTopic, topics.changelog());
        try (StoreBatch writes = store.newBatch()) {
            for (WindowOperator t : b.tasks().values()) {
                t.onBatchEnd(store, wallNow, sink, writes);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = b.positions().toCommit();
            if (tx.sent() == 0 && b.positions().unchanged(offsets)) {
                promote(b, offsets);
                return new Result(Outcome.IDLE, 0, 0, null);
            }
            long t0 = System.nanoTime();
            try {
                tx.commit(offsets, consumer.groupMetadata());
            } catch (BatchTransaction.BatchFailedException e) {
                return new Result(switch (e.failure()) {
                    case ABORTABLE -> Outcome.ABORTED;
                    case FATAL -> Outcome.FENCED;
                    case UNKNOWN_OUTCOME -> Outcome.UNKNOWN;
                }, 0, 0, e);
            }
            long commitNanos = System.nanoTime() - t0;
            for (WindowOperator t : b.tasks().values()) {
                long end = tx.changelogEnd(t.task());
                if (end >= 0) {
                    writes.checkpoint(t.task(), new TaskCheckpoint(end, t.clockBytes()));
                }
            }
            store.apply(writes);
            promote(b, offsets);
            return new Result(Outcome.COMMITTED, sink.windows, commitNanos, null);
        }
    }

    private static void promote(Batch b, Map<TopicPartition, OffsetAndMetadata> offsets) {
        b.tasks().values().forEach(WindowOperator::onCommit);
        if (b.source() != null) {
            b.source().committed();
        }
        b.positions().committed(offsets);
        b.router().clear();
    }
}
