package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repartitioned job whose source partitions are minutes apart in event time: lateness is judged
 * per source partition on the input record, and the repartition tasks close a window only when
 * every source partition's watermark has passed its end; a record counts in each of its windows
 * that was still open then. Checked against an independent computation of exactly that, in
 * batches of 1, 7 and everything, for several seeds.
 */
class SourceWatermarksTest {
    private static final long BASE = 1_767_225_600_000L;
    private static final int PARTITIONS = 4;
    private static final int TASKS = 3;

    /** An input record: its source partition, key and event time. */
    record Event(int partition, String key, long time) {
        byte[] value() {
            return ("{\"k\":\"" + key + "\",\"t\":" + time + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (long seed : new long[] {1, 2, 3, 4}) {
            cases.add(Arguments.of(seed, 30_000L, 10_000L, 3_000L, 2_000L, true));
            cases.add(Arguments.of(seed, 30_000L, 10_000L, 3_000L, 2_000L, false));
            cases.add(Arguments.of(seed, 10_000L, 10_000L, 1_000L, 500L, true));
        }
        return cases.stream();
    }

    /**
     * Partition p starts p × 3 minutes after the base, events in time order with up to
     * {@code disorder} of jitter, partitions interleaved at random (some faster than others), and
     * now and then a record far behind its partition's time: late under its own watermark.
     */
    static List<Event> input(long seed, long disorder) {
        Random random = new Random(seed);
        long[] next = new long[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            next[p] = BASE + p * 180_000L;
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            int p = random.nextInt(10) < 4 ? 0 : random.nextInt(PARTITIONS);
            next[p] += random.nextInt(800);
            long t = next[p] - random.nextInt((int) disorder + 1);
            if (random.nextInt(40) == 0) {
                t = next[p] - 20_000 - random.nextInt(60_000);
            }
            events.add(new Event(p, "k" + random.nextInt(7), t));
        }
        return events;
    }

    @ParameterizedTest(name = "seed {0}, size {1}, slide {2}, grace {3}, final {5}")
    @MethodSource("cases")
    void shouldCloseWindowsOnlyWhenEverySourcePartitionPassedThemWhenPartitionsAreMinutesApart(
            long seed, long size, long slide, long grace, long disorder, boolean emitFinal) {
        JobConfig job = FileRuns.job("time: { type: event, field: t, grace: " + grace + "ms }\n"
                + "window: { type: hopping, size: " + size + "ms, slide: " + slide + "ms }\n"
                + "aggregates: { n: count }\nemit: " + (emitFinal ? "final" : "changes") + "\n");
        List<Event> input = input(seed, disorder);
        Expected expected = expected(input, size, slide, grace, emitFinal);
        assertFalse(expected.windows.isEmpty());
        assertFalse(expected.late.isEmpty(), "the input has late records");
        for (int batch : new int[] {1, 7, Integer.MAX_VALUE}) {
            Run run = run(job, input, batch);
            assertEquals(expected.late, run.late, "late records in batches of " + batch);
            assertEquals(expected.windows, run.windows, "windows in batches of " + batch);
        }
    }

    /** The independent computation: per-partition stream time, lateness, and the minimum over partitions. */
    record Expected(TreeMap<String, Long> windows, Set<Integer> late) {
    }

    static Expected expected(List<Event> input, long size, long slide, long grace, boolean emitFinal) {
        long[] streamTime = new long[PARTITIONS];
        java.util.Arrays.fill(streamTime, Long.MIN_VALUE);
        TreeMap<String, Long> counts = new TreeMap<>();
        Set<Integer> late = new TreeSet<>();
        for (int i = 0; i < input.size(); i++) {
            Event e = input.get(i);
            long watermark = Math.max(streamTime[e.partition], e.time) - grace;
            long lastStart = Math.floorDiv(e.time, slide) * slide;
            if (lastStart + size <= watermark) {
                late.add(i);
                continue;
            }
            // A window closed when every source partition's watermark passed its end, before this record.
            long closedUpTo = Long.MAX_VALUE;
            for (long t : streamTime) {
                closedUpTo = Math.min(closedUpTo, t == Long.MIN_VALUE ? Long.MIN_VALUE : t - grace);
            }
            streamTime[e.partition] = Math.max(streamTime[e.partition], e.time);
            for (long start = lastStart; start > e.time - size; start -= slide) {
                if (closedUpTo == Long.MIN_VALUE || start + size > closedUpTo) {
                    counts.merge(e.key + "@" + start, 1L, Long::sum);
                }
            }
        }
        long min = Long.MAX_VALUE;
        for (long t : streamTime) {
            min = Math.min(min, t - grace);
        }
        TreeMap<String, Long> windows = new TreeMap<>();
        for (var c : counts.entrySet()) {
            long start = Long.parseLong(c.getKey().substring(c.getKey().indexOf('@') + 1));
            if (!emitFinal || start + size <= min) {
                windows.put(c.getKey(), c.getValue());
            }
        }
        return new Expected(windows, late);
    }

    record Run(TreeMap<String, Long> windows, Set<Integer> late) {
    }

    /** Source partitions → combiner → local repartition topic → tasks, cut into batches; no end-of-input flush. */
    static Run run(JobConfig job, List<Event> input, int batchSize) {
        JobPlan plan = new JobPlan(job);
        RecordPipeline pipeline = RecordPipeline.compile(job);
        TreeMap<String, Long> windows = new TreeMap<>();
        Set<Integer> late = new TreeSet<>();
        try (PaneStore store = StateStores.inMemory()) {
            List<WindowOperator> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                tasks.add(WindowOperator.create(t, plan, store, null, 0, PARTITIONS));
            }
            RepartitionSource source = new RepartitionSource(plan);
            source.time().sourcePartitions(PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++) {
                source.time().assign(p, null, 0);
            }
            LocalRepartition repartition = new LocalRepartition(plan, tasks);
            BatchSink sink = new CountingSink(windows, new WindowJson(plan), plan.emitFinal);
            for (int i = 0; i < input.size(); i++) {
                Event e = input.get(i);
                boolean[] isLate = {false};
                try {
                    pipeline.process(null, e.value(), 0, 0, (k, t, in) -> isLate[0] |= !source.add(e.partition, k, t, in, 0));
                } catch (BadRecordException ex) {
                    throw new AssertionError(ex);
                }
                if (isLate[0]) {
                    late.add(i);
                }
                if ((i + 1) % batchSize == 0 || i == input.size() - 1) {
                    int done = i;
                    source.endBatch(0, p -> null, p -> input.subList(done + 1, input.size()).stream().noneMatch(e2 -> e2.partition == p));
                    source.drain(repartition);
                    source.committed();
                    try (StoreBatch writes = store.newBatch()) {
                        for (WindowOperator t : tasks) {
                            t.onBatchEnd(store, 0, sink, writes);
                        }
                        store.apply(writes);
                        tasks.forEach(WindowOperator::onCommit);
                    }
                }
            }
        }
        return new Run(windows, late);
    }

    /** Keeps the last count per (key, window start). */
    private record CountingSink(TreeMap<String, Long> windows, WindowJson json, boolean once) implements BatchSink {
        @Override
        public void window(int task, String key, long start, long end, Accumulator[] value) {
            String s = new String(json.format(key, start, end, value), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"n\":(\\d+)").matcher(s);
            assertTrue(m.find(), s);
            Long before = windows.put(key + "@" + start, Long.parseLong(m.group(1)));
            assertTrue(before == null || !once, "a final window is emitted once: " + s);
        }

        @Override
        public void retract(int task, String key, long start, long end) {
            windows.remove(key + "@" + start);
        }

        @Override
        public void changelog(int task, long pane, byte[] key, byte[] value) {
        }

        @Override
        public void taskMeta(int task, byte[] meta) {
        }
    }

    @Test
    void shouldLetAnEmptyPartitionLeaveTheMinimumAfterTheIdleTimeout() {
        JobConfig job = FileRuns.job("""
                time: { type: event, field: t, grace: 1s, idle-timeout: 5s }
                window: { type: tumbling, size: 10s }
                aggregates: { n: count }
                emit: final
                """);
        JobPlan plan = new JobPlan(job);
        SourceTime time = new SourceTime(plan);
        time.sourcePartitions(3);
        time.assign(0, null, 0);
        time.assign(1, null, 0);
        time.assign(2, null, 0);
        assertFalse(time.late(0, BASE + 30_000, 100));
        assertFalse(time.late(1, BASE + 50_000, 100));
        time.endBatch(4_000, p -> null, p -> false);
        assertEquals(SourceTime.NO_TIME, time.watermark(2), "not idle before the timeout");
        assertFalse(time.late(0, BASE + 30_000, 5_000));
        assertFalse(time.late(1, BASE + 50_000, 5_000));
        time.endBatch(5_200, p -> null, p -> false);
        assertEquals(time.watermark(0), time.watermark(2), "idle: up to the slowest partition that is not idle");
        assertTrue(time.late(2, BASE + 10_000, 5_300), "judged against the watermark it moved up to");
        assertFalse(time.late(2, BASE + 29_500, 5_300));
    }

    @Test
    void shouldLetAnEmptyPartitionLeaveTheMinimumAtOnceWhenItsReaderHasCaughtUp() {
        JobPlan plan = new JobPlan(FileRuns.job("""
                time: { type: event, field: t, grace: 1s }
                window: { type: tumbling, size: 10s }
                aggregates: { n: count }
                emit: final
                """));
        SourceTime time = new SourceTime(plan);
        time.assign(0, null, 0);
        time.assign(1, null, 0);
        assertFalse(time.late(0, BASE + 30_000, 0));
        time.endBatch(10, p -> null, p -> false);
        assertEquals(SourceTime.NO_TIME, time.watermark(1), "records may still be on their way");
        time.endBatch(20, p -> null, p -> p == 1);
        assertEquals(BASE + 29_000, time.watermark(1), "nothing in it: it moves up to the partition with records");
    }

    @Test
    void shouldFollowPeersCommittedElsewhereWhenAnIdlePartitionHasNoLocalPeer() {
        JobConfig job = FileRuns.job("""
                time: { type: event, field: t, grace: 1s, idle-timeout: 2s }
                window: { type: tumbling, size: 10s }
                aggregates: { n: count }
                emit: final
                """);
        JobPlan plan = new JobPlan(job);
        SourceTime here = new SourceTime(plan);
        here.sourcePartitions(2);
        here.assign(0, "t1:" + (BASE + 5_000) + ":a", 0);
        SourceTime there = new SourceTime(plan);
        there.sourcePartitions(2);
        there.assign(1, null, 0);
        assertFalse(there.late(1, BASE + 90_000, 0));
        String committedThere = there.encode(1);
        here.endBatch(3_000, p -> p == 1 ? committedThere : null, p -> false);
        // a quiet partition with records moves with the wall clock (1 s past its timeout) and up to its peer
        assertEquals(BASE + 90_000 - 1_000, here.watermark(0));
        assertEquals("t1:" + (BASE + 90_000) + ":i", here.encode(0));
    }

    @Test
    void shouldResumeTheCommittedTimeWhenThePartitionMovesOrTheBatchIsDropped() {
        JobPlan plan = new JobPlan(FileRuns.job("""
                time: { type: event, field: t, grace: 1s }
                window: { type: tumbling, size: 10s }
                aggregates: { n: count }
                emit: final
                """));
        SourceTime a = new SourceTime(plan);
        a.assign(0, null, 0);
        assertFalse(a.late(0, BASE + 40_000, 0));
        a.committed();
        assertFalse(a.late(0, BASE + 80_000, 0));
        a.rollback();
        assertEquals(BASE + 39_000, a.watermark(0));
        SourceTime b = new SourceTime(plan);
        b.assign(0, a.encode(0), 0);
        assertTrue(b.late(0, BASE + 25_000, 0), "the next owner judges lateness with the time committed before");
        List<Long> published = new ArrayList<>();
        b.publish((p, wm) -> published.add(wm));
        assertTrue(published.isEmpty(), "a committed watermark was published by the batch that committed it");
    }
}
