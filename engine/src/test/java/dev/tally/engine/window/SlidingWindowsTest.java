package dev.tally.engine.window;

import dev.tally.config.AggregateConfig;
import dev.tally.config.AggregateConfig.Type;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.aggregate.AggregateFunction;
import dev.tally.engine.aggregate.Aggregates;
import dev.tally.engine.aggregate.ByteSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlidingWindowsTest {

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"COUNT", "SUM", "MIN", "MAX", "AVG", "FIRST", "LAST", "TOP_K"})
    void shouldEqualNaiveMergeWhenRunsAreRandom(Type type) {
        AggregateFunction fn = Aggregates.of(new AggregateConfig("a", type, "f", List.of(), 3));
        Random random = new Random(type.ordinal());
        for (int round = 0; round < 300; round++) {
            int w = 1 + random.nextInt(8);
            int s = 1 + random.nextInt(w);
            int firstStart = random.nextInt(s);
            int n = random.nextInt(45);
            Accumulator[] panes = randomPanes(fn, random, n, 10);
            byte[][] before = encodeAll(panes);

            Accumulator[] fast = SlidingWindows.windows(panes, firstStart, w, s);

            assertArrayEquals(naive(panes, firstStart, w, s), results(fast),
                    "w=" + w + " s=" + s + " first=" + firstStart + " n=" + n);
            assertArrayEqualsDeep(before, encodeAll(panes));
        }
    }

    @Test
    void shouldMergeRowsElementWiseWhenPanesHoldSeveralAggregates() {
        List<AggregateFunction> fns = Aggregates.of(List.of(
                new AggregateConfig("n", Type.COUNT, null, List.of(), 0),
                new AggregateConfig("s", Type.SUM, "f", List.of(), 0),
                new AggregateConfig("l", Type.LAST, "f", List.of(), 0)));
        Random random = new Random(7);
        int n = 30;
        Accumulator[][] rows = new Accumulator[n][];
        Accumulator[][] columns = new Accumulator[fns.size()][n];
        for (int p = 0; p < n; p++) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            rows[p] = new Accumulator[fns.size()];
            for (int a = 0; a < fns.size(); a++) {
                rows[p][a] = fns.get(a).create();
                columns[a][p] = rows[p][a];
            }
            for (int r = random.nextInt(4); r >= 0; r--) {
                long value = random.nextInt(100);
                for (Accumulator acc : rows[p]) {
                    acc.add(value, p * 10L + r);
                }
            }
        }

        Accumulator[][] windows = SlidingWindows.windowRows(rows, 1, 6, 2);

        assertEquals(SlidingWindows.windowCount(n, 1, 6, 2), windows.length);
        for (int a = 0; a < fns.size(); a++) {
            Object[] expected = naive(columns[a], 1, 6, 2);
            for (int j = 0; j < windows.length; j++) {
                assertEquals(expected[j], windows[j] == null ? null : windows[j][a].result(), "aggregate " + a + " window " + j);
            }
        }
    }

    @ParameterizedTest(name = "n {0}, w {1}, s {2}")
    @CsvSource({"1000, 1, 1", "1000, 30, 1", "1000, 30, 10", "1000, 30, 30", "1000, 7, 3", "1000, 100, 1"})
    void shouldUseLinearMergesWhenWindowsOverlapHeavily(int n, int w, int s) {
        CountingAccumulator[] panes = new CountingAccumulator[n];
        for (int i = 0; i < n; i++) {
            panes[i] = new CountingAccumulator();
        }
        CountingAccumulator.merges = 0;
        CountingAccumulator.copies = 0;

        Accumulator[] windows = SlidingWindows.windows(panes, 0, w, s);

        int m = windows.length;
        assertEquals((n - w) / s + 1, m);
        assertTrue(CountingAccumulator.merges <= 2L * n + m, "merges " + CountingAccumulator.merges);
        assertTrue(CountingAccumulator.copies <= 2L * m + n / w + 1, "copies " + CountingAccumulator.copies);
        for (int j = 0; j < m; j++) {
            assertEquals((long) w, windows[j].result(), "window " + j);
        }
    }

    @Test
    void shouldGiveNullWhenWindowHasOnlyEmptyPanes() {
        AggregateFunction fn = Aggregates.of(new AggregateConfig("n", Type.COUNT, null, List.of(), 0));
        Accumulator one = fn.create();
        one.add(null, 0);
        Accumulator[] panes = {null, null, null, one, null, null};

        Accumulator[] windows = SlidingWindows.windows(panes, 0, 2, 1);

        assertEquals(5, windows.length);
        assertNull(windows[0]);
        assertNull(windows[1]);
        assertEquals(1L, windows[2].result());
        assertEquals(1L, windows[3].result());
        assertNull(windows[4]);
    }

    @Test
    void shouldReturnNoWindowsWhenRunShorterThanWindow() {
        assertEquals(0, SlidingWindows.windows(new Accumulator[3], 0, 4, 1).length);
        assertEquals(0, SlidingWindows.windows(new Accumulator[4], 1, 4, 2).length);
    }

    private static Accumulator[] randomPanes(AggregateFunction fn, Random random, int n, long paneWidth) {
        Accumulator[] panes = new Accumulator[n];
        for (int p = 0; p < n; p++) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            panes[p] = fn.create();
            for (int r = random.nextInt(5); r >= 0; r--) {
                long time = p * paneWidth + random.nextInt((int) paneWidth);
                panes[p].add((long) random.nextInt(20) - 5, time);
            }
        }
        return panes;
    }

    private static Object[] naive(Accumulator[] panes, int firstStart, int w, int s) {
        int m = SlidingWindows.windowCount(panes.length, firstStart, w, s);
        Object[] out = new Object[m];
        for (int j = 0; j < m; j++) {
            Accumulator acc = null;
            for (int i = firstStart + j * s; i < firstStart + j * s + w; i++) {
                if (panes[i] == null) {
                    continue;
                }
                if (acc == null) {
                    acc = panes[i].copy();
                } else {
                    acc.merge(panes[i]);
                }
            }
            out[j] = acc == null ? null : acc.result();
        }
        return out;
    }

    private static Object[] results(Accumulator[] windows) {
        return Arrays.stream(windows).map(a -> a == null ? null : a.result()).toArray();
    }

    private static byte[][] encodeAll(Accumulator[] panes) {
        byte[][] out = new byte[panes.length][];
        for (int i = 0; i < panes.length; i++) {
            if (panes[i] != null) {
                ByteSink sink = new ByteSink(16);
                panes[i].write(sink);
                out[i] = sink.toByteArray();
            }
        }
        return out;
    }

    private static void assertArrayEqualsDeep(byte[][] expected, byte[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], "pane " + i + " was mutated");
        }
    }

    /** Counts one per pane, and counts the merges and copies the algorithm makes. */
    private static final class CountingAccumulator implements Accumulator {
        static long merges;
        static long copies;
        private long count = 1;

        @Override
        public void add(Object value, long eventTime) {
            count++;
        }

        @Override
        public void merge(Accumulator other) {
            merges++;
            count += ((CountingAccumulator) other).count;
        }

        @Override
        public Accumulator copy() {
            copies++;
            CountingAccumulator c = new CountingAccumulator();
            c.count = count;
            return c;
        }

        @Override
        public void write(ByteSink out) {
            out.writeVarLong(count);
        }

        @Override
        public Object result() {
            return count;
        }
    }
}
