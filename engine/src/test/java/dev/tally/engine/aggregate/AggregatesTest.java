package dev.tally.engine.aggregate;

import dev.tally.config.AggregateConfig;
import dev.tally.config.AggregateConfig.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatesTest {

    static AggregateFunction fn(Type type) {
        return Aggregates.of(new AggregateConfig("agg", type, "f", List.of(0.5, 0.95, 0.99, 0.999), 3));
    }

    /** Integral values in time order, a few per time so first/last ties happen within panes. */
    private static List<long[]> records(Random random, int n) {
        List<long[]> out = new ArrayList<>();
        long time = -5_000;
        for (int i = 0; i < n; i++) {
            time += random.nextInt(3);
            out.add(new long[] {time, random.nextInt(2_000) - 1_000});
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"COUNT", "SUM", "MIN", "MAX", "AVG", "FIRST", "LAST", "TOP_K"})
    void shouldEqualOneAccumulatorWhenPanesAreMerged(Type type) {
        AggregateFunction f = fn(type);
        List<long[]> records = records(new Random(type.ordinal()), 5_000);
        Accumulator whole = f.create();
        List<Accumulator> panes = new ArrayList<>();
        long paneWidth = 100;
        long currentPane = Long.MIN_VALUE;
        for (long[] r : records) {
            if (type == Type.TOP_K) {
                r[1] %= 10; // few distinct items: the frequent-items sketch is exact then
            }
            whole.add(r[1], r[0]);
            long pane = Math.floorDiv(r[0], paneWidth);
            if (pane != currentPane) {
                panes.add(f.create());
                currentPane = pane;
            }
            panes.get(panes.size() - 1).add(r[1], r[0]);
        }
        Accumulator merged = panes.get(0).copy();
        for (int i = 1; i < panes.size(); i++) {
            merged.merge(panes.get(i));
        }
        assertEquals(whole.result(), merged.result());
        assertEquals(whole.result(), roundTrip(f, merged).result());
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void shouldReadExactlyWhatWasWrittenWhenRoundTripping(Type type) {
        AggregateFunction f = fn(type);
        Accumulator empty = f.create();
        Accumulator full = f.create();
        Random random = new Random(3);
        for (int i = 0; i < 1_000; i++) {
            full.add(random.nextBoolean() ? (Object) (long) random.nextInt(500) : (Object) (random.nextDouble() * 100), i);
        }
        ByteSink sink = new ByteSink(8);
        empty.write(sink);
        full.write(sink);
        sink.writeByte(0x5A);
        ByteBuffer in = ByteBuffer.wrap(sink.toByteArray());

        Accumulator emptyBack = f.read(in);
        Accumulator fullBack = f.read(in);

        assertEquals(0x5A, in.get(), "read() must stop exactly where write() stopped");
        assertFalse(in.hasRemaining());
        assertEquals(empty.result(), emptyBack.result());
        assertEquals(full.result(), fullBack.result());
        if (type != Type.QUANTILES) {
            // KLL re-serialises a heapified sketch with a different (equivalent) layout
            assertArrayEquals(bytes(full), bytes(fullBack));
        }
        // a read accumulator keeps working
        fullBack.merge(full);
        fullBack.add(7L, 2_000);
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void shouldLeaveOriginalUnchangedWhenCopyIsMerged(Type type) {
        AggregateFunction f = fn(type);
        Accumulator a = f.create();
        Accumulator b = f.create();
        for (int i = 0; i < 100; i++) {
            a.add((long) i, i);
            b.add((long) (i * 7), 1_000 + i);
        }
        byte[] before = bytes(a);
        Accumulator c = a.copy();
        c.merge(b);
        c.add(5_000L, 5_000);
        assertArrayEquals(before, bytes(a));
        assertEquals(b.result(), f.read(ByteBuffer.wrap(bytes(b))).result());
    }

    @Test
    void shouldStayLongWhenAllInputsIntegralAndSwitchToDoubleOnFraction() {
        Accumulator sum = fn(Type.SUM).create();
        assertNull(sum.result());
        sum.add(1, 0);
        sum.add(2L, 0);
        sum.add((short) 3, 0);
        sum.add("4", 0);
        sum.add(BigInteger.TEN, 0);
        sum.add(null, 0);
        assertEquals(20L, sum.result());
        sum.add(0.5, 0);
        assertEquals(20.5, sum.result());
        sum.add(1L, 0);
        assertEquals(21.5, sum.result());
    }

    @Test
    void shouldSwitchToDoubleWhenLongSumOverflows() {
        Accumulator sum = fn(Type.SUM).create();
        sum.add(Long.MAX_VALUE, 0);
        sum.add(Long.MAX_VALUE, 0);
        assertEquals(2.0 * Long.MAX_VALUE, (Double) sum.result(), 1e4);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"42, 42", "' 42 ', 42", "-7, -7", "+3, 3", "42.0, 42.0", "1e3, 1000.0", "-0.25, -0.25",
            "123456789012345678901234, 1.2345678901234569E23"})
    void shouldParseWhenNumberIsGivenAsString(String input, String expected) {
        Accumulator sum = fn(Type.SUM).create();
        sum.add(input, 0);
        assertEquals(expected, sum.result().toString());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource({"abc", "12abc", "NaN", "Infinity", "''", "0x10", "1e999"})
    void shouldRejectWhenStringIsNotANumber(String input) {
        for (Type type : new Type[] {Type.SUM, Type.MIN, Type.MAX, Type.AVG, Type.QUANTILES}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fn(type).create().add(input, 0));
            assertTrue(e.getMessage().contains("'agg'"), e.getMessage());
        }
    }

    @Test
    void shouldRejectWhenInputIsNotNumeric() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fn(Type.AVG).create().add(Boolean.TRUE, 0));
        assertEquals("aggregate 'agg' (avg) needs a number, got Boolean \"true\"", e.getMessage());
    }

    @Test
    void shouldTreatBigDecimalByScaleWhenAdding() {
        Accumulator max = fn(Type.MAX).create();
        max.add(new BigDecimal("5"), 0);
        assertEquals(5L, max.result());
        max.add(new BigDecimal("4.5"), 0);
        assertEquals(5.0, max.result());
    }

    @Test
    void shouldKeepExtremesWhenMixingLongAndDouble() {
        Accumulator min = fn(Type.MIN).create();
        Accumulator max = fn(Type.MAX).create();
        assertNull(min.result());
        for (Object v : new Object[] {3L, -2L, 7L}) {
            min.add(v, 0);
            max.add(v, 0);
        }
        assertEquals(-2L, min.result());
        assertEquals(7L, max.result());
        min.add(-1.5, 0);
        max.add(Double.NaN, 0);
        assertEquals(-2.0, min.result());
        assertEquals(7L, max.result());
    }

    @Test
    void shouldAverageExactlyWhenInputsIntegral() {
        Accumulator avg = fn(Type.AVG).create();
        assertNull(avg.result());
        avg.add(1, 0);
        avg.add(2, 0);
        Accumulator other = fn(Type.AVG).create();
        other.add("6", 0);
        avg.merge(other);
        assertEquals(3.0, avg.result());
    }

    @Test
    void shouldKeepEarlierAddedForFirstAndLaterAddedForLastWhenTimesTie() {
        Accumulator first = fn(Type.FIRST).create();
        Accumulator last = fn(Type.LAST).create();
        Object[][] events = {{"b", 20L}, {"a", 10L}, {"a2", 10L}, {null, 5L}, {"z", 30L}, {"z2", 30L}, {null, 40L}};
        for (Object[] e : events) {
            first.add(e[0], (Long) e[1]);
            last.add(e[0], (Long) e[1]);
        }
        assertEquals("a", first.result());
        assertEquals("z2", last.result());

        Accumulator otherFirst = fn(Type.FIRST).create();
        otherFirst.add("tie", 10L);
        first.merge(otherFirst);
        assertEquals("a", first.result(), "merge counts the argument as added later");
        Accumulator otherLast = fn(Type.LAST).create();
        otherLast.add("tie", 30L);
        last.merge(otherLast);
        assertEquals("tie", last.result());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"7, 7", "7.5, 7.5", "text, text", "true, true"})
    void shouldNormaliseValueWhenFirstRoundTrips(String kind, String expected) {
        Object value = switch (kind) {
            case "7" -> Integer.valueOf(7);
            case "7.5" -> Float.valueOf(7.5f);
            case "true" -> Boolean.TRUE;
            default -> kind;
        };
        Accumulator first = fn(Type.FIRST).create();
        first.add(value, -3);
        Accumulator back = roundTrip(fn(Type.FIRST), first);
        assertEquals(expected, String.valueOf(back.result()));
        assertEquals(first.result(), back.result());
        if (value instanceof Integer) {
            assertEquals(7L, back.result());
        }
    }

    @Test
    void shouldCountOnlyPresentFieldWhenCountHasField() {
        Accumulator events = Aggregates.of(new AggregateConfig("n", Type.COUNT, null, List.of(), 0)).create();
        Accumulator present = Aggregates.of(new AggregateConfig("n", Type.COUNT, "f", List.of(), 0)).create();
        for (Object v : new Object[] {null, 1L, null, "x"}) {
            events.add(v, 0);
            present.add(v, 0);
        }
        assertEquals(4L, events.result());
        assertEquals(2L, present.result());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0.5, p50", "0.95, p95", "0.99, p99", "0.999, p99_9", "0.25, p25", "1.0, p100", "0.0, p0", "0.9999, p99_99"})
    void shouldNameRankWhenBuildingQuantileResult(double rank, String name) {
        assertEquals(name, Aggregates.rankName(rank));
    }

    @ParameterizedTest(name = "k {0} -> {1}")
    @CsvSource({"1, 32", "4, 32", "5, 64", "8, 64", "9, 128", "100, 1024"})
    void shouldSizeMapAsPowerOfTwoWhenGivenK(int k, int mapSize) {
        assertEquals(mapSize, TopKAccumulator.mapSize(k));
    }

    @Test
    void shouldRejectWhenConfigIsInvalid() {
        assertThrows(IllegalArgumentException.class,
                () -> Aggregates.of(new AggregateConfig("t", Type.TOP_K, "f", List.of(), 0)));
        assertThrows(IllegalArgumentException.class,
                () -> Aggregates.of(new AggregateConfig("q", Type.QUANTILES, "f", List.of(1.5), 0)));
    }

    @Test
    void shouldUseDefaultRanksWhenNoneConfigured() {
        Accumulator q = Aggregates.of(new AggregateConfig("q", Type.QUANTILES, "f", List.of(), 0)).create();
        q.add(1, 0);
        assertEquals(List.of("p50", "p95", "p99"), new ArrayList<>(((java.util.Map<?, ?>) q.result()).keySet()));
    }

    static Accumulator roundTrip(AggregateFunction f, Accumulator a) {
        ByteBuffer in = ByteBuffer.wrap(bytes(a));
        Accumulator back = f.read(in);
        assertFalse(in.hasRemaining());
        return back;
    }

    static byte[] bytes(Accumulator a) {
        ByteSink sink = new ByteSink(16);
        a.write(sink);
        return sink.toByteArray();
    }
}
