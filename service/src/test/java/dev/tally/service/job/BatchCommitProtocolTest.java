package dev.tally.service.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.ConfigException;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.connectors.JobTopics;
import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.WindowJson;
import dev.tally.engine.batch.WindowOperator;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;
import dev.tally.state.TaskCheckpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commit protocol of one batch ({@link BatchCommitter} over {@link BatchTransaction}) against
 * the Kafka clients' MockProducer and MockConsumer, with a real window operator and a real store:
 * what each failure class does to the transaction, and that the store and its changelog position
 * only ever move after COMMITTED.
 */
class BatchCommitProtocolTest {
    private static final JobTopics TOPICS = new JobTopics("t");
    private static final String SOURCE = "in";
    private static final String SINK = "out";
    private static final int TASKS = 2;
    private static final long WALL = 1_700_000_000_000L;
    private static final long WINDOW_MS = 10_000;

    private static JobConfig job() {
        try {
            return TallyConfigLoader.parseJob("""
                    name: t
                    source: { topic: in, format: json }
                    key: { record-key: true }
                    sink: { topic: out }
                    time: { type: event, field: t }
                    window: { type: tumbling, size: 10s }
                    aggregates: { n: count }
                    emit: changes
                    """, "test", Map.of());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A transactional MockProducer that knows the changelog's partitions, so each task's changelog offsets count from 0. */
    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        List<PartitionInfo> partitions = IntStream.range(0, TASKS)
                .mapToObj(p -> new PartitionInfo(TOPICS.changelog(), p, null, new Node[0], new Node[0])).toList();
        Cluster cluster = new Cluster("c", List.of(), partitions, Set.of(), Set.of());
        MockProducer<byte[], byte[]> p = new MockProducer<>(cluster, autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    /** One processing thread's side of a batch: real plan, operators, router, positions and store; a MockConsumer. */
    private static final class Rig {
        final JobConfig job = job();
        final JobPlan plan = new JobPlan(job);
        final PaneStore store;
        final Map<Integer, WindowOperator> tasks = new TreeMap<>();
        final RecordRouter router;
        final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        final ConsumedPositions positions = new ConsumedPositions(consumer, false);
        final BatchCommitter committer;
        final long[] fed = new long[TASKS];
        /** What the open batch consumed, to hand back to the consumer after a rewind (the broker's role). */
        final List<ConsumerRecord<byte[], byte[]>> openBatch = new ArrayList<>();

        Rig(PaneStore store) {
            this.store = store;
            this.router = new RecordRouter(job, plan, new JobMetrics(new SimpleMeterRegistry(), job.name()), null, tasks::get);
            this.committer = new BatchCommitter(store, TOPICS, SINK, new WindowJson(plan), CrashHook.fromSystemProperties());
            List<TopicPartition> source = IntStream.range(0, TASKS).mapToObj(p -> new TopicPartition(SOURCE, p)).toList();
            consumer.assign(source);
            Map<TopicPartition, Long> zero = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            source.forEach(tp -> zero.put(tp, 0L));
            consumer.updateBeginningOffsets(zero);
            restartTasks();
        }

        /** Tasks rebuilt from what the store holds, as TaskManager.restart does once nothing is left to replay. */
        void restartTasks() {
            tasks.clear();
            for (int p = 0; p < TASKS; p++) {
                tasks.put(p, WindowOperator.create(p, plan, store, store.checkpoint(p).meta(), WALL));
            }
        }

        Rig feed(int partition, String key, String json) {
            ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(SOURCE, partition, fed[partition]++,
                    key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
            consumer.addRecord(r);
            openBatch.add(r);
            return this;
        }

        Rig event(int partition, String key, long t) {
            return feed(partition, key, "{\"t\":" + t + "}");
        }

        void route() {
            consumer.poll(Duration.ZERO).forEach(r -> router.route(r, WALL));
        }

        BatchCommitter.Result commit(MockProducer<byte[], byte[]> producer) {
            route();
            BatchCommitter.Result r = committer.commit(
                    new BatchCommitter.Batch(tasks, router, null, null, null, TASKS, positions), producer, consumer, WALL);
            if (r.outcome() == BatchCommitter.Outcome.COMMITTED) {
                // what the broker does with the transaction's offsets: they become the group's committed offsets
                consumer.commitSync(producer.consumerGroupOffsetsHistory().get(producer.consumerGroupOffsetsHistory().size() - 1)
                        .get(consumer.groupMetadata().groupId()));
                openBatch.clear();
            }
            return r;
        }

        /**
         * The store-and-position half of JobRunner.recover: drop the open batch, rebuild the tasks from
         * the store, seek back to the group's committed offsets; the broker then hands the records again.
         */
        void rewindAfterFailure() {
            router.clear();
            restartTasks();
            positions.rewind(consumer.assignment());
            List<ConsumerRecord<byte[], byte[]>> again = List.copyOf(openBatch);
            openBatch.clear();
            again.forEach(consumer::addRecord);
            openBatch.addAll(again);
        }
    }

    /** Every entry and checkpoint of the store, printable, for whole-store comparisons. */
    private static Map<String, String> contents(PaneStore store) {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        for (int task = 0; task < TASKS; task++) {
            try (PaneCursor c = store.scan(task, Long.MIN_VALUE, Long.MAX_VALUE)) {
                while (c.next()) {
                    out.put(task + "/" + c.pane() + "/" + hex.formatHex(c.key()), hex.formatHex(c.value()));
                }
            }
            TaskCheckpoint cp = store.checkpoint(task);
            out.put(task + "/checkpoint", cp.changelogOffset() + "/" + hex.formatHex(cp.meta()));
        }
        return out;
    }

    private static List<ProducerRecord<byte[], byte[]>> changelog(List<ProducerRecord<byte[], byte[]>> sent, int task) {
        return sent.stream().filter(r -> r.topic().equals(TOPICS.changelog()) && r.partition() == task).toList();
    }

    /** The store the committed changelog describes: every committed changelog record replayed, as a restore does. */
    private static Map<String, String> replayed(List<ProducerRecord<byte[], byte[]>> committed) {
        try (PaneStore fresh = StateStores.inMemory()) {
            for (int task = 0; task < TASKS; task++) {
                List<ProducerRecord<byte[], byte[]>> log = changelog(committed, task);
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (int offset = 0; offset < log.size(); offset++) {
                    records.add(new ConsumerRecord<>(TOPICS.changelog(), task, offset, log.get(offset).key(), log.get(offset).value()));
                }
                if (!records.isEmpty()) {
                    ChangelogRestorer.applyChunk(fresh, task, records, new byte[0], records.size());
                }
            }
            return contents(fresh);
        }
    }

    private static void firstBatch(Rig rig) {
        rig.event(0, "a", 1_000).event(0, "b", 2_000).event(0, "a", 3_000).feed(0, "bad", "not json")
                .event(1, "c", 1_500).event(1, "c", 12_000);
    }

    private static void secondBatch(Rig rig) {
        rig.event(0, "a", 4_000).event(0, "d", 15_000).event(1, "c", 13_000).event(1, "e", 14_000);
    }

    @ParameterizedTest(name = "autoComplete={0}")
    @ValueSource(booleans = {true, false})
    void shouldCommitRecordsChangelogAndOffsetsInOneTransactionThenApplyTheStoreWhenTheBatchCommits(boolean autoComplete) {
        try (PaneStore store = StateStores.inMemory()) {
            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(autoComplete);
            String group = rig.consumer.groupMetadata().groupId();

            for (Consumer<Rig> batch : List.<Consumer<Rig>>of(BatchCommitProtocolTest::firstBatch, BatchCommitProtocolTest::secondBatch)) {
                int before = producer.history().size();
                batch.accept(rig);
                BatchCommitter.Result r = rig.commit(producer);

                assertEquals(BatchCommitter.Outcome.COMMITTED, r.outcome(), String.valueOf(r.cause()));
                assertTrue(producer.transactionCommitted());
                assertFalse(producer.transactionAborted());
                List<ProducerRecord<byte[], byte[]>> sent = producer.history().subList(before, producer.history().size());
                assertEquals(r.windows(), sent.stream().filter(x -> x.topic().equals(SINK)).count(), "window results in the transaction");
                assertTrue(r.windows() > 0);
                for (int task = 0; task < TASKS; task++) {
                    assertFalse(changelog(sent, task).isEmpty(), "changelog of task " + task + " in the transaction");
                }
                // the offsets joined the same transaction: the consumer's positions after everything it read
                Map<TopicPartition, OffsetAndMetadata> expectedOffsets = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
                for (int p = 0; p < TASKS; p++) {
                    expectedOffsets.put(new TopicPartition(SOURCE, p), new OffsetAndMetadata(rig.fed[p], ""));
                }
                List<Map<String, Map<TopicPartition, OffsetAndMetadata>>> offsets = producer.consumerGroupOffsetsHistory();
                assertEquals(producer.commitCount(), offsets.size(), "one offset commit per committed transaction");
                assertEquals(Map.of(group, expectedOffsets), offsets.get(offsets.size() - 1));

                // the store is what the committed changelog says, at the position after its last record;
                // panes of closed windows are expired by range delete, which the changelog does not carry
                Map<String, String> replayed = replayed(producer.history());
                Map<String, String> stored = contents(store);
                assertTrue(replayed.entrySet().containsAll(stored.entrySet()), "store " + stored + " within changelog " + replayed);
                for (String extra : replayed.keySet()) {
                    if (!stored.containsKey(extra)) {
                        String[] k = extra.split("/");
                        long closedBefore = rig.tasks.get(Integer.parseInt(k[0])).watermark();
                        assertTrue(Long.parseLong(k[1]) + WINDOW_MS <= closedBefore, extra + " missing from the store but its window is open");
                    }
                }
                for (int task = 0; task < TASKS; task++) {
                    List<ProducerRecord<byte[], byte[]>> log = changelog(producer.history(), task);
                    TaskCheckpoint cp = store.checkpoint(task);
                    assertEquals(log.size(), cp.changelogOffset(), "MockProducer numbers the task's changelog from 0: end = last offset + 1");
                    assertArrayEquals(rig.tasks.get(task).clockBytes(), cp.meta());
                    ProducerRecord<byte[], byte[]> lastClock = log.stream().filter(x -> InternalRecords.isClock(x.key()))
                            .reduce((a, b) -> b).orElseThrow();
                    assertArrayEquals(lastClock.value(), cp.meta(), "the checkpoint's clock is the clock the changelog carries");
                }
            }
            List<ProducerRecord<byte[], byte[]>> deadLetters = producer.history().stream()
                    .filter(x -> x.topic().equals(rig.job.deadLetterTopic())).toList();
            assertEquals(1, deadLetters.size());
            assertEquals("not json", new String(deadLetters.get(0).value(), StandardCharsets.UTF_8));
            assertEquals(2, producer.commitCount());
        }
    }

    static Stream<Arguments> failures() {
        BatchCommitter.Outcome aborted = BatchCommitter.Outcome.ABORTED;
        BatchCommitter.Outcome fenced = BatchCommitter.Outcome.FENCED;
        BatchCommitter.Outcome unknown = BatchCommitter.Outcome.UNKNOWN;
        return Stream.of(
                failure("send rejected", p -> p.sendException = new KafkaException("record rejected"), aborted, true),
                failure("group rebalanced under sendOffsets", p -> p.sendOffsetsToTransactionException = new CommitFailedException(), aborted, true),
                failure("sendOffsets timed out", p -> p.sendOffsetsToTransactionException = new TimeoutException("add offsets"), aborted, true),
                failure("commit abortable", p -> p.commitTransactionException = new TransactionAbortableException("abortable"), aborted, true),
                failure("commit plain KafkaException", p -> p.commitTransactionException = new KafkaException("broker said no"), aborted, true),
                failure("producer fenced", MockProducer::fenceProducer, fenced, false),
                failure("commit: epoch bumped", p -> p.commitTransactionException = new InvalidProducerEpochException("epoch"), fenced, false),
                failure("sendOffsets: fenced", p -> p.sendOffsetsToTransactionException = new ProducerFencedException("fenced"), fenced, false),
                failure("send: out of order", p -> p.sendException = new OutOfOrderSequenceException("sequence"), fenced, false),
                failure("commit: not authorized", p -> p.commitTransactionException = new TransactionalIdAuthorizationException("acl"), fenced, false),
                failure("sendOffsets: instance fenced", p -> p.sendOffsetsToTransactionException = new FencedInstanceIdException("static member"), fenced, false),
                failure("commit: wrapped fence", p -> p.commitTransactionException = new KafkaException("wrapped", new ProducerFencedException("fenced")), fenced, false),
                failure("abort itself fails", p -> {
                    p.commitTransactionException = new KafkaException("broker said no");
                    p.abortTransactionException = new KafkaException("cannot abort");
                }, fenced, false),
                failure("begin refused", p -> p.beginTransactionException = new KafkaException("cannot begin"), fenced, false),
                failure("commit timed out", p -> p.commitTransactionException = new TimeoutException("commit"), unknown, false),
                failure("commit: wrapped timeout", p -> p.commitTransactionException = new KafkaException("wrapped", new TimeoutException("commit")), unknown, false));
    }

    private static Arguments failure(String name, Consumer<MockProducer<byte[], byte[]>> inject, BatchCommitter.Outcome outcome, boolean aborted) {
        return Arguments.of(name, inject, outcome, aborted);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("failures")
    void shouldLeaveTheStoreAndCheckpointUntouchedAndAbortOnlyWhenAbortableWhenTheBatchFails(
            String name, Consumer<MockProducer<byte[], byte[]>> inject, BatchCommitter.Outcome outcome, boolean aborted) {
        try (PaneStore store = StateStores.inMemory()) {
            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(true);
            firstBatch(rig);
            assertEquals(BatchCommitter.Outcome.COMMITTED, rig.commit(producer).outcome());
            Map<String, String> before = contents(store);
            int committedRecords = producer.history().size();
            int offsetCommits = producer.consumerGroupOffsetsHistory().size();

            secondBatch(rig);
            inject.accept(producer);
            BatchCommitter.Result r = rig.commit(producer);

            assertEquals(outcome, r.outcome(), name + ": " + r.cause());
            assertNotNull(r.cause(), "a failed batch carries its cause");
            assertEquals(aborted, producer.transactionAborted(), name + ": aborted");
            assertEquals(1, producer.commitCount(), name + ": only the first batch committed");
            assertEquals(committedRecords, producer.history().size(), "nothing of the failed batch became visible");
            assertEquals(offsetCommits, producer.consumerGroupOffsetsHistory().size(), "no offsets of the failed batch");
            assertEquals(before, contents(store), "nothing applied, checkpoint unchanged");
        }
    }

    /**
     * A failed batch is rewound and retried: the retry commits exactly what a batch that never failed
     * commits. ABORTED retries on the same producer; FENCED and UNKNOWN (when the broker did not
     * commit) on a new one, as JobRunner.recover does.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("failures")
    void shouldCommitWhatAnUnfailedBatchCommitsWhenAFailedBatchIsRewoundAndRetried(
            String name, Consumer<MockProducer<byte[], byte[]>> inject, BatchCommitter.Outcome outcome, boolean aborted) {
        try (PaneStore expectedStore = StateStores.inMemory(); PaneStore store = StateStores.inMemory()) {
            Rig reference = new Rig(expectedStore);
            MockProducer<byte[], byte[]> referenceProducer = producer(true);
            firstBatch(reference);
            reference.commit(referenceProducer);
            int referenceFirst = referenceProducer.history().size();
            secondBatch(reference);
            assertEquals(BatchCommitter.Outcome.COMMITTED, reference.commit(referenceProducer).outcome());

            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(true);
            firstBatch(rig);
            rig.commit(producer);
            secondBatch(rig);
            inject.accept(producer);
            BatchCommitter.Result failed = rig.commit(producer);
            assertEquals(outcome, failed.outcome(), name);

            rig.rewindAfterFailure();
            MockProducer<byte[], byte[]> retryProducer = producer;
            if (outcome == BatchCommitter.Outcome.ABORTED) {
                producer.sendException = null;
                producer.sendOffsetsToTransactionException = null;
                producer.commitTransactionException = null;
            } else {
                retryProducer = producer(true);
            }
            int before = retryProducer.history().size();
            BatchCommitter.Result retried = rig.commit(retryProducer);

            assertEquals(BatchCommitter.Outcome.COMMITTED, retried.outcome(), String.valueOf(retried.cause()));
            List<ProducerRecord<byte[], byte[]>> expected = referenceProducer.history().subList(
                    referenceFirst, referenceProducer.history().size());
            assertEquals(describe(expected), describe(retryProducer.history().subList(before, retryProducer.history().size())));
            assertEquals(referenceProducer.consumerGroupOffsetsHistory().get(1), retryProducer.consumerGroupOffsetsHistory()
                    .get(retryProducer.consumerGroupOffsetsHistory().size() - 1));
            // the same data and clocks; the changelog positions differ, as in Kafka: an aborted batch's
            // records take offsets, and a new MockProducer numbers the changelog from 0 again
            assertEquals(withoutPositions(contents(expectedStore)), withoutPositions(contents(store)));
            for (int task = 0; task < TASKS; task++) {
                assertEquals(changelog(retryProducer.history(), task).isEmpty() ? -1 : lastOffsetPlusOne(retryProducer, task),
                        store.checkpoint(task).changelogOffset());
            }
        }
    }

    private static void thirdBatch(Rig rig) {
        rig.event(0, "a", 16_000).event(0, "d", 26_000).event(1, "e", 27_000).event(1, "c", 21_000);
    }

    /**
     * UNKNOWN when the broker did commit: the batch is never aborted; a new producer, the store
     * restored from the changelog (whose tail is the batch the store never applied) and the positions
     * from the group's committed offsets; the open batch is not processed twice, and the next batch
     * emits exactly what it emits after a batch that committed without trouble.
     */
    @Test
    void shouldRebuildFromTheChangelogAndNotProcessTheBatchTwiceWhenACommitWithUnknownOutcomeHadCommitted() {
        try (PaneStore expectedStore = StateStores.inMemory(); PaneStore store = StateStores.inMemory()) {
            Rig reference = new Rig(expectedStore);
            MockProducer<byte[], byte[]> referenceProducer = producer(true);
            firstBatch(reference);
            reference.commit(referenceProducer);
            secondBatch(reference);
            reference.commit(referenceProducer);
            int referenceSecond = referenceProducer.history().size();
            Map<String, String> referenceAfterSecond = contents(expectedStore);
            thirdBatch(reference);
            assertEquals(BatchCommitter.Outcome.COMMITTED, reference.commit(referenceProducer).outcome());

            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(true);
            firstBatch(rig);
            rig.commit(producer);
            Map<String, String> storeBefore = contents(store);
            secondBatch(rig);
            producer.commitTransactionException = new TimeoutException("commit");
            assertEquals(BatchCommitter.Outcome.UNKNOWN, rig.commit(producer).outcome());
            assertFalse(producer.transactionAborted(), "an unknown outcome is never aborted");
            assertEquals(storeBefore, contents(store), "the store lags: the batch may not have committed");

            // the broker did commit it: its records joined the changelog, its offsets the group's
            List<ProducerRecord<byte[], byte[]>> truth = new ArrayList<>(producer.history());
            truth.addAll(producer.uncommittedRecords());
            rig.consumer.commitSync(producer.uncommittedOffsets().get(rig.consumer.groupMetadata().groupId()));

            // recovery: drop the open batch, new producer, restore the tasks from the changelog, rewind
            rig.router.clear();
            rig.openBatch.clear();
            MockProducer<byte[], byte[]> next = producer(true);
            restoreFromChangelog(store, truth);
            rig.restartTasks();
            rig.positions.rewind(rig.consumer.assignment());
            for (int task = 0; task < TASKS; task++) {
                assertEquals(changelog(truth, task).size(), store.checkpoint(task).changelogOffset(), "restored to the changelog's end");
            }
            assertEquals(openWindows(referenceAfterSecond, rig), openWindows(contents(store), rig),
                    "the restored store holds what an untroubled commit applied (expired panes come back with a replay)");

            thirdBatch(rig);
            BatchCommitter.Result r = rig.commit(next);
            assertEquals(BatchCommitter.Outcome.COMMITTED, r.outcome(), String.valueOf(r.cause()));
            assertEquals(describe(referenceProducer.history().subList(referenceSecond, referenceProducer.history().size())),
                    describe(next.history()), "the next batch emits what it emits after an untroubled commit");
            assertEquals(referenceProducer.consumerGroupOffsetsHistory().get(2),
                    next.consumerGroupOffsetsHistory().get(0));
        }
    }

    /** The changelog records {@code log} (offsets counted from 0 per partition) replayed into the store by a ChangelogRestorer. */
    private static void restoreFromChangelog(PaneStore store, List<ProducerRecord<byte[], byte[]>> log) {
        MockConsumer<byte[], byte[]> restore = new MockConsumer<>("earliest");
        Map<TopicPartition, Long> begins = new java.util.HashMap<>();
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        for (int task = 0; task < TASKS; task++) {
            TopicPartition tp = new TopicPartition(TOPICS.changelog(), task);
            begins.put(tp, 0L);
            ends.put(tp, (long) changelog(log, task).size());
        }
        restore.updateBeginningOffsets(begins);
        restore.updateEndOffsets(ends);
        ChangelogRestorer restorer = new ChangelogRestorer(restore, store, TOPICS.changelog(), CrashHook.fromSystemProperties());
        restorer.begin(IntStream.range(0, TASKS).boxed().toList());
        for (int task = 0; task < TASKS; task++) {
            TopicPartition tp = new TopicPartition(TOPICS.changelog(), task);
            if (restore.assignment().contains(tp)) {
                long from = Math.max(0, store.checkpoint(task).changelogOffset());
                List<ProducerRecord<byte[], byte[]>> records = changelog(log, task);
                for (int offset = (int) from; offset < records.size(); offset++) {
                    restore.addRecord(new ConsumerRecord<>(TOPICS.changelog(), task, offset, records.get(offset).key(), records.get(offset).value()));
                }
            }
        }
        for (int i = 0; restorer.isRestoring(); i++) {
            assertTrue(i < 100, "restore did not finish");
            restorer.step(10);
        }
    }

    /** Entries of windows still open for the rig's tasks (a replayed changelog also holds expired panes). */
    private static Map<String, String> openWindows(Map<String, String> contents, Rig rig) {
        Map<String, String> out = new TreeMap<>(contents);
        out.keySet().removeIf(k -> {
            String[] parts = k.split("/");
            return !parts[1].equals("checkpoint")
                    && Long.parseLong(parts[1]) + WINDOW_MS <= rig.tasks.get(Integer.parseInt(parts[0])).watermark();
        });
        return out;
    }

    private static Map<String, String> withoutPositions(Map<String, String> contents) {
        Map<String, String> out = new TreeMap<>(contents);
        out.replaceAll((k, v) -> k.endsWith("/checkpoint") ? v.substring(v.indexOf('/') + 1) : v);
        return out;
    }

    /** The offset after the last changelog record of the task the producer sent, aborted ones included. */
    private static long lastOffsetPlusOne(MockProducer<byte[], byte[]> producer, int task) {
        var f = producer.send(new ProducerRecord<>(TOPICS.changelog(), task, new byte[] {9}, new byte[] {9}));
        producer.flush();
        try {
            return f.get().offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> describe(List<ProducerRecord<byte[], byte[]>> records) {
        HexFormat hex = HexFormat.of();
        return records.stream().map(r -> r.topic() + "/" + r.partition() + "/" + (r.key() == null ? "-" : hex.formatHex(r.key()))
                + "=" + (r.value() == null ? "-" : hex.formatHex(r.value()))).toList();
    }

    /** A store that logs what reaches it, with whether the producer's transaction had committed at that moment. */
    private static final class RecordingStore implements PaneStore {
        final PaneStore inner = StateStores.inMemory();
        final List<String> events = new ArrayList<>();
        Supplier<Boolean> committed = () -> false;

        private void log(String what) {
            events.add(what + (committed.get() ? "@committed" : "@open"));
        }

        @Override
        public byte[] get(int task, long pane, byte[] key) {
            return inner.get(task, pane, key);
        }

        @Override
        public PaneCursor scan(int task, long fromPane, long toPane) {
            return inner.scan(task, fromPane, toPane);
        }

        @Override
        public TaskCheckpoint checkpoint(int task) {
            return inner.checkpoint(task);
        }

        @Override
        public StoreBatch newBatch() {
            return new RecordingBatch(inner.newBatch());
        }

        @Override
        public void apply(StoreBatch batch) {
            log("apply");
            inner.apply(((RecordingBatch) batch).inner);
        }

        private final class RecordingBatch implements StoreBatch {
            final StoreBatch inner;

            RecordingBatch(StoreBatch inner) {
                this.inner = inner;
            }

            @Override
            public void put(int task, long pane, byte[] key, byte[] value) {
                log("put");
                inner.put(task, pane, key, value);
            }

            @Override
            public void delete(int task, long pane, byte[] key) {
                log("delete");
                inner.delete(task, pane, key);
            }

            @Override
            public void deletePanesBefore(int task, long pane) {
                log("deletePanesBefore");
                inner.deletePanesBefore(task, pane);
            }

            @Override
            public void checkpoint(int task, TaskCheckpoint checkpoint) {
                log("checkpoint");
                inner.checkpoint(task, checkpoint);
            }

            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public void close() {
                inner.close();
            }
        }

        @Override
        public void dropTask(int task) {
            inner.dropTask(task);
        }

        @Override
        public long approximateEntries() {
            return inner.approximateEntries();
        }

        @Override
        public long approximateBytes() {
            return inner.approximateBytes();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void shouldWriteTheCheckpointAndApplyTheStoreOnlyAfterCommittedWhenABatchEnds() {
        try (RecordingStore store = new RecordingStore()) {
            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(false);
            store.committed = producer::transactionCommitted;
            firstBatch(rig);
            assertEquals(BatchCommitter.Outcome.COMMITTED, rig.commit(producer).outcome());

            List<String> events = store.events;
            assertTrue(events.contains("put@open"), "the operator collects its writes while the transaction is open: " + events);
            assertEquals(List.of("checkpoint@committed", "checkpoint@committed", "apply@committed"),
                    events.subList(events.size() - 3, events.size()), "one checkpoint per task, then one apply, after COMMITTED: " + events);
            assertEquals(1, events.stream().filter(e -> e.startsWith("apply")).count());
            assertTrue(events.stream().filter(e -> e.startsWith("checkpoint") || e.startsWith("apply")).allMatch(e -> e.endsWith("@committed")));

            // a commit that throws: the collected writes are never applied and no checkpoint is written
            store.events.clear();
            secondBatch(rig);
            producer.commitTransactionException = new TimeoutException("commit");
            assertEquals(BatchCommitter.Outcome.UNKNOWN, rig.commit(producer).outcome());
            assertTrue(events.contains("put@open"), events.toString());
            assertTrue(events.stream().noneMatch(e -> e.startsWith("checkpoint") || e.startsWith("apply")), events.toString());
        }
    }

    @Test
    void shouldRefuseToTellAChangelogPositionWhenTheTransactionHasNotCommitted() {
        MockProducer<byte[], byte[]> producer = producer(false);
        BatchTransaction tx = new BatchTransaction(producer, CrashHook.fromSystemProperties(), TOPICS.changelog());
        assertThrows(IllegalStateException.class, () -> tx.changelogEnd(0), "NEW");

        tx.send(new ProducerRecord<>(TOPICS.changelog(), 1, InternalRecords.clockKey(), new byte[] {1}));
        tx.send(new ProducerRecord<>(TOPICS.changelog(), 1, InternalRecords.clockKey(), new byte[] {2}));
        assertEquals(BatchTransaction.State.STARTED, tx.state());
        assertThrows(IllegalStateException.class, () -> tx.changelogEnd(1), "STARTED");

        MockProducer<byte[], byte[]> failingProducer = producer(true);
        failingProducer.commitTransactionException = new KafkaException("no");
        BatchTransaction failed = new BatchTransaction(failingProducer, CrashHook.fromSystemProperties(), TOPICS.changelog());
        failed.send(new ProducerRecord<>(TOPICS.changelog(), 0, InternalRecords.clockKey(), new byte[] {1}));
        assertThrows(BatchTransaction.BatchFailedException.class, () -> failed.commit(Map.of(), new MockConsumer<byte[], byte[]>("earliest").groupMetadata()));
        assertEquals(BatchTransaction.State.FAILED, failed.state());
        assertThrows(IllegalStateException.class, () -> failed.changelogEnd(0), "FAILED");

        // committed: the sends complete on commit's flush; the end is the last offset + 1, -1 for a task that wrote nothing
        assertDoesNotThrowCommit(tx);
        assertEquals(BatchTransaction.State.COMMITTED, tx.state());
        assertEquals(2, tx.changelogEnd(1));
        assertEquals(-1, tx.changelogEnd(0));
    }

    private static void assertDoesNotThrowCommit(BatchTransaction tx) {
        try {
            tx.commit(Map.of(), new MockConsumer<byte[], byte[]>("earliest").groupMetadata());
        } catch (BatchTransaction.BatchFailedException e) {
            throw new AssertionError("commit failed", e);
        }
    }

    @Test
    void shouldBeginNoTransactionWhenTheBatchSentNothingAndMovedNoOffset() {
        try (PaneStore store = StateStores.inMemory()) {
            Rig rig = new Rig(store);
            MockProducer<byte[], byte[]> producer = producer(true);
            firstBatch(rig);
            assertEquals(BatchCommitter.Outcome.COMMITTED, rig.commit(producer).outcome());
            Map<String, String> before = contents(store);
            long commits = producer.commitCount();
            producer.beginTransactionException = new IllegalStateException("an idle batch began a transaction");

            BatchCommitter.Result r = rig.commit(producer);

            assertEquals(BatchCommitter.Outcome.IDLE, r.outcome(), String.valueOf(r.cause()));
            assertFalse(producer.transactionInFlight());
            assertEquals(commits, producer.commitCount());
            assertTrue(producer.uncommittedRecords().isEmpty());
            assertEquals(1, producer.consumerGroupOffsetsHistory().size());
            assertEquals(before, contents(store));
        }
    }
}
