package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/**
 * The one window assembly against the definition: a window's value is the merge, in pane order,
 * of each pane's committed value then its batch value, and a window is emitted when it starts in
 * the range and holds a pane with data. Random panes (dense, sparse, far apart), layers and ranges,
 * for tumbling and hopping shapes; values are a count, a sum and a "last" (which shows the order).
 */
class WindowAssemblyTest {

    @ParameterizedTest(name = "size {0} ms, slide {1} ms")
    @CsvSource({"1000, 1000", "3000, 1000", "4000, 2000", "60000, 1000", "45000, 15000"})
    void shouldEqualTheDefinitionWhenPanesAreDenseSparseOrFarApart(long size, long slide) {
        JobPlan plan = plan(size, slide);
        WindowAssembly assembly = new WindowAssembly(plan);
        Random random = new Random(size * 31 + slide);
        for (int round = 0; round < 300; round++) {
            TreeMap<Long, Accumulator[]> committed = new TreeMap<>();
            TreeMap<Long, Accumulator[]> batch = new TreeMap<>();
            long spread = random.nextBoolean() ? 20 : 2_000;
            long base = (random.nextInt(2_000) - 1_000) * plan.window.paneWidth;
            for (int i = random.nextInt(12); i >= 0; i--) {
                long pane = base + random.nextInt((int) spread) * plan.window.paneWidth;
                (random.nextBoolean() ? committed : batch).put(pane, value(plan, random, pane));
                if (random.nextInt(4) == 0) {
                    committed.put(pane, value(plan, random, pane - 1));
                    batch.put(pane, value(plan, random, pane));
                }
            }
            TreeMap<Long, Boolean> all = new TreeMap<>();
            committed.keySet().forEach(p -> all.put(p, true));
            batch.keySet().forEach(p -> all.put(p, true));
            long[] anchors = all.keySet().stream().mapToLong(Long::longValue).toArray();
            long firstStart = random.nextInt(3) == 0 ? Long.MIN_VALUE : base + (random.nextInt(40) - 20) * slide / 2 / slide * slide;
            long lastStart = random.nextInt(3) == 0 ? Long.MAX_VALUE : firstStart == Long.MIN_VALUE
                    ? base + random.nextInt(200) * slide : firstStart + random.nextInt(200) * slide;

            List<String> actual = new ArrayList<>();
            assembly.emit(anchors, anchors.length, firstStart, lastStart, panes(committed, batch), false,
                    (start, end, v) -> {
                        assertFalse(isAnyOf(v, committed, batch), "a window is a fresh value mid-batch");
                        actual.add(describe(start, end, v));
                    });
            assertEquals(expected(plan, committed, batch, firstStart, lastStart), actual,
                    "round " + round + ", anchors " + all.keySet() + ", starts " + firstStart + ".." + lastStart);
        }
    }

    @ParameterizedTest(name = "share single {0}")
    @CsvSource({"true", "false"})
    void shouldCopyALoneValueOnlyWhenValuesMayStillChange(boolean shareSingle) {
        JobPlan plan = plan(1000, 1000);
        TreeMap<Long, Accumulator[]> batch = new TreeMap<>();
        Accumulator[] only = value(plan, new Random(1), 5_000);
        batch.put(5_000L, only);
        List<Accumulator[]> out = new ArrayList<>();
        new WindowAssembly(plan).emit(new long[] {5_000}, 1, Long.MIN_VALUE, Long.MAX_VALUE,
                panes(new TreeMap<>(), batch), shareSingle, (start, end, v) -> out.add(v));
        assertEquals(1, out.size());
        if (shareSingle) {
            assertEquals(only, out.get(0));
        } else {
            assertNotSame(only, out.get(0));
            assertEquals(describe(0, 0, only), describe(0, 0, out.get(0)));
        }
    }

    private static boolean isAnyOf(Accumulator[] v, TreeMap<Long, Accumulator[]> a, TreeMap<Long, Accumulator[]> b) {
        return a.values().stream().anyMatch(x -> x == v) || b.values().stream().anyMatch(x -> x == v);
    }

    /** Straight from the definition: every slide-aligned start in the range, every pane of the window. */
    private static List<String> expected(JobPlan plan, TreeMap<Long, Accumulator[]> committed,
                                         TreeMap<Long, Accumulator[]> batch, long firstStart, long lastStart) {
        WindowSpec w = plan.window;
        List<String> out = new ArrayList<>();
        TreeMap<Long, Boolean> starts = new TreeMap<>();
        for (long pane : committed.keySet()) {
            for (long s = w.firstWindowStart(pane); s <= pane; s += w.slide) {
                starts.put(s, true);
            }
        }
        for (long pane : batch.keySet()) {
            for (long s = w.firstWindowStart(pane); s <= pane; s += w.slide) {
                starts.put(s, true);
            }
        }
        for (long start : starts.keySet()) {
            if (start < firstStart || start > lastStart) {
                continue;
            }
            Accumulator[] merged = plan.newAccumulators();
            for (long p = start; p < start + w.size; p += w.paneWidth) {
                if (committed.containsKey(p)) {
                    JobPlan.mergeInto(merged, committed.get(p));
                }
                if (batch.containsKey(p)) {
                    JobPlan.mergeInto(merged, batch.get(p));
                }
            }
            out.add(describe(start, start + w.size, merged));
        }
        return out;
    }

    private static WindowAssembly.Panes panes(TreeMap<Long, Accumulator[]> committed, TreeMap<Long, Accumulator[]> batch) {
        return new WindowAssembly.Panes() {
            @Override
            public Accumulator[] committed(long pane) {
                return committed.get(pane);
            }

            @Override
            public Accumulator[] batch(long pane) {
                return batch.get(pane);
            }
        };
    }

    private static Accumulator[] value(JobPlan plan, Random random, long time) {
        Accumulator[] a = plan.newAccumulators();
        for (int i = random.nextInt(3); i >= 0; i--) {
            long v = random.nextInt(100);
            for (Accumulator acc : a) {
                acc.add(v, time);
            }
        }
        return a;
    }

    private static String describe(long start, long end, Accumulator[] v) {
        StringBuilder b = new StringBuilder("[" + start + "," + end + ")");
        for (Accumulator a : v) {
            b.append(' ').append(a.result());
        }
        return b.toString();
    }

    private static JobPlan plan(long size, long slide) {
        return new JobPlan(FileRuns.directJob("time: { type: event, field: t }\n"
                + "window: { type: hopping, size: " + size + "ms, slide: " + slide + "ms }\n"
                + "aggregates: { n: count, total: { sum: v }, last_v: { last: v } }\n"));
    }
}
