package dev.tally.service.job;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.clients.consumer.CommitFailedException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * The commit protocol of one batch: everything a batch produced becomes visible to read_committed
 * readers together with the consumed offsets, or none of it does. This class is the only place
 * that begins, commits or aborts a transaction.
 *
 * <ol>
 *   <li>{@code beginTransaction()}, at the batch's first record. State STARTED.</li>
 *   <li>Send every record of the batch as the batch end produces it ({@link #send}): dead letters,
 *       partial aggregates for the repartition topic, window results, changelog records (pane
 *       values, then the task clock, per task). Streaming them lets the producer's I/O thread
 *       ship early records while later ones are built, and keeps a batch's results off the heap.
 *       A failed send marks the batch FAILED; later sends are dropped.</li>
 *   <li>{@code sendOffsetsToTransaction(positions, consumer.groupMetadata())}: the consumed
 *       positions join the transaction, fenced by the group generation (KIP-447). State PREPARED.</li>
 *   <li>{@code commitTransaction()}. State COMMITTED.</li>
 *   <li>Only now the caller applies the batch's RocksDB WriteBatch, with the changelog offsets from
 *       {@link #changelogEnd(int)}: the local store may lag the changelog, never lead it.</li>
 * </ol>
 *
 * Failures end in state FAILED with a {@link Failure} telling the caller what to do:
 * <ul>
 *   <li>{@link Failure#ABORTABLE}: the transaction was aborted here; rewind and retry with backoff.
 *       Includes a group generation change seen by {@code sendOffsetsToTransaction}.</li>
 *   <li>{@link Failure#FATAL}: the producer is fenced or broken (ProducerFenced, OutOfOrderSequence,
 *       authorization, fenced group member, a failed abort, a refused {@code beginTransaction});
 *       never abort: close it, drop the batch, rejoin.</li>
 *   <li>{@link Failure#UNKNOWN_OUTCOME}: {@code commitTransaction} timed out, the batch may or may
 *       not have committed; never abort: close the producer and build a new one, whose
 *       {@code initTransactions()} resolves the old transaction, then re-read the truth from Kafka.</li>
 * </ul>
 */
final class BatchTransaction {

    enum State { NEW, STARTED, PREPARED, COMMITTED, FAILED }

    enum Failure { ABORTABLE, FATAL, UNKNOWN_OUTCOME }

    /**
     * Test-only crash points of the protocol, for the chaos suite (tally.crash.point system property);
     * DURING_RESTORE is in {@link ChangelogRestorer}, after a chunk of the changelog was applied.
     */
    enum CrashPoint { BEFORE_SEND_OFFSETS, DURING_COMMIT, AFTER_COMMIT_BEFORE_STORE, DURING_RESTORE }

    static final class BatchFailedException extends Exception {
        private final Failure failure;

        BatchFailedException(Failure failure, Throwable cause) {
            super(failure + ": " + cause, cause);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final CrashHook crashHook;
    private final String changelogTopic;
    private State state = State.NEW;
    private BatchFailedException failure;
    /** The last changelog send of each task: the highest offset the task's store may claim. */
    private final Map<Integer, Future<RecordMetadata>> lastChangelogSend = new HashMap<>();
    private long sent;

    BatchTransaction(Producer<byte[], byte[]> producer, CrashHook crashHook, String changelogTopic) {
        this.producer = producer;
        this.crashHook = crashHook;
        this.changelogTopic = changelogTopic;
    }

    State state() {
        return state;
    }

    /** Records sent so far; a batch that sent none and moved no offset needs no transaction. */
    long sent() {
        return sent;
    }

    /** Steps 1 and 2: begins the transaction at the first record. */
    void send(ProducerRecord<byte[], byte[]> record) {
        if (state == State.FAILED) {
            return;
        }
        try {
            begin();
            Future<RecordMetadata> f = producer.send(record);
            sent++;
            if (record.topic().equals(changelogTopic)) {
                lastChangelogSend.put(record.partition(), f);
            }
        } catch (KafkaException e) {
            failure = fail(e, false);
        }
    }

    /** Step 1, once: a batch that sends nothing begins only to commit its offsets. */
    private void begin() {
        if (state == State.NEW) {
            producer.beginTransaction();
            state = State.STARTED;
        }
    }

    /** Steps 3 and 4, after every record was {@linkplain #send sent}. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group)
            throws BatchFailedException {
        if (failure != null) {
            throw failure;
        }
        try {
            begin();
            crashHook.maybeCrash(CrashPoint.BEFORE_SEND_OFFSETS);
            producer.sendOffsetsToTransaction(offsets, group);
            state = State.PREPARED;
        } catch (KafkaException e) {
            throw fail(e, false);
        }
        try {
            crashHook.maybeCrashDuringCommit(producer);
            producer.commitTransaction();
            state = State.COMMITTED;
        } catch (KafkaException e) {
            throw fail(e, true);
        }
        crashHook.maybeCrash(CrashPoint.AFTER_COMMIT_BEFORE_STORE);
    }

    /** After COMMITTED: the changelog offset after the last record this batch wrote for the task, or -1. */
    long changelogEnd(int task) {
        if (state != State.COMMITTED) {
            throw new IllegalStateException("batch not committed: " + state);
        }
        Future<RecordMetadata> last = lastChangelogSend.get(task);
        if (last == null) {
            return -1;
        }
        try {
            return last.get().offset() + 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading a committed send", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a send of a committed transaction failed", e.getCause());
        }
    }

    private BatchFailedException fail(KafkaException e, boolean committing) {
        boolean begun = state == State.STARTED || state == State.PREPARED;
        state = State.FAILED;
        Failure kind = classify(e, committing);
        if (kind == Failure.ABORTABLE && !begun) {
            // beginTransaction itself failed: aborting would throw IllegalStateException (no open
            // transaction) past the caller, and a producer that will not begin one needs replacing.
            return new BatchFailedException(Failure.FATAL, e);
        }
        if (kind == Failure.ABORTABLE) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortError) {
                e.addSuppressed(abortError);
                return new BatchFailedException(Failure.FATAL, e);
            }
        }
        return new BatchFailedException(kind, e);
    }

    static Failure classify(Throwable e, boolean committing) {
        Throwable c = e;
        while (c != null) {
            if (c instanceof ProducerFencedException || c instanceof OutOfOrderSequenceException
                    || c instanceof AuthorizationException || c instanceof UnsupportedVersionException
                    || c instanceof InvalidProducerEpochException || c instanceof FencedInstanceIdException) {
                return Failure.FATAL;
            }
            if (c instanceof CommitFailedException) {
                // The group moved to a new generation while the batch was open (an ordinary rebalance):
                // the producer itself marks this abortable. Treating it as fatal rebuilt the producer and
                // forced yet another rebalance, which failed the other members' open batches in turn.
                return Failure.ABORTABLE;
            }
            if (committing && c instanceof TimeoutException) {
                return Failure.UNKNOWN_OUTCOME;
            }
            c = c.getCause();
        }
        return Failure.ABORTABLE;
    }
}
