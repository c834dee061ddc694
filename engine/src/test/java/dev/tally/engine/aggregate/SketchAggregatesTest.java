package dev.tally.engine.aggregate;

import dev.tally.config.AggregateConfig;
import dev.tally.config.AggregateConfig.Type;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sketches: merged panes against the exact answer, within each sketch's documented error. */
class SketchAggregatesTest {
    private static final int PANES = 12;

    @Test
    void shouldEstimateWithinFivePercentWhenDistinctPanesMerge() {
        AggregateFunction f = Aggregates.of(new AggregateConfig("d", Type.COUNT_DISTINCT, "f", List.of(), 0));
        Random random = new Random(11);
        int distinct = 50_000;
        Accumulator whole = f.create();
        Accumulator[] panes = panes(f);
        for (int i = 0; i < 200_000; i++) {
            // values repeat across panes, so the union must not double count; mixed types hash apart
            int v = random.nextInt(distinct);
            Object value = v % 2 == 0 ? (Object) ("user-" + v) : (Object) (long) v;
            whole.add(value, i);
            panes[random.nextInt(PANES)].add(value, i);
        }
        long merged = (Long) merge(panes).result();
        long seen = (Long) whole.result();
        // the sample may miss a few of the 50k values; with 200k draws the expected miss is 50k * e^-4 ~ 916
        long truth = distinct - Math.round(distinct * Math.exp(-4));
        assertTrue(Math.abs(merged - truth) < 0.05 * truth, "merged " + merged + " vs ~" + truth);
        assertTrue(Math.abs(merged - seen) < 0.05 * truth, "merged " + merged + " vs single sketch " + seen);
        assertEquals(merged, AggregatesTest.roundTrip(f, merge(panes)).result());
    }

    @Test
    void shouldCountExactlyWhenFewDistinctValues() {
        AggregateFunction f = Aggregates.of(new AggregateConfig("d", Type.COUNT_DISTINCT, "f", List.of(), 0));
        Accumulator[] panes = panes(f);
        for (int i = 0; i < 1_000; i++) {
            panes[i % PANES].add("k" + (i % 37), i);
        }
        assertEquals(37L, merge(panes).result());
    }

    @Test
    void shouldStayWithinRankErrorWhenQuantilePanesMerge() {
        double[] ranks = {0.5, 0.95, 0.99, 0.999};
        AggregateFunction f = Aggregates.of(new AggregateConfig("q", Type.QUANTILES, "f", List.of(0.5, 0.95, 0.99, 0.999), 0));
        Random random = new Random(5);
        int n = 100_000;
        double[] values = new double[n];
        Accumulator[] panes = panes(f);
        for (int i = 0; i < n; i++) {
            values[i] = Math.exp(random.nextGaussian() * 2); // skewed, like latencies
            panes[random.nextInt(PANES)].add(values[i], i);
        }
        Arrays.sort(values);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) merge(panes).result();
        assertEquals(List.of("p50", "p95", "p99", "p99_9"), List.copyOf(result.keySet()));
        for (double rank : ranks) {
            double estimate = (Double) result.get(Aggregates.rankName(rank));
            // KLL k=200: normalised rank error ~1.65% at 99% confidence; allow 3%
            double actualRank = (double) Math.abs(Arrays.binarySearch(values, estimate)) / n;
            assertEquals(rank, actualRank, 0.03, "rank " + rank + " estimate " + estimate);
        }
    }

    @Test
    void shouldFindHeavyItemsWhenTopKPanesMerge() {
        int k = 3;
        AggregateFunction f = Aggregates.of(new AggregateConfig("t", Type.TOP_K, "page", List.of(), k));
        Random random = new Random(9);
        int[] heavy = {30_000, 20_000, 10_000};
        String[] stream = new String[heavy[0] + heavy[1] + heavy[2] + 40_000];
        int i = 0;
        for (int h = 0; h < heavy.length; h++) {
            for (int c = 0; c < heavy[h]; c++) {
                stream[i++] = "/heavy/" + h;
            }
        }
        while (i < stream.length) {
            stream[i++] = "/tail/" + random.nextInt(5_000); // ~8 each: many more items than the map holds
        }
        Accumulator[] panes = panes(f);
        for (int j = 0; j < stream.length; j++) {
            panes[random.nextInt(PANES)].add(stream[random.nextInt(stream.length)], j);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) merge(panes).result();
        assertEquals(k, top.size());
        double epsilon = 3.5 / TopKAccumulator.mapSize(k); // the sketch's a-priori error per item seen
        for (int h = 0; h < heavy.length; h++) {
            assertEquals("/heavy/" + h, top.get(h).get("item"));
            long count = (Long) top.get(h).get("count");
            // sampling noise (a few hundred) plus the sketch error bound
            assertEquals(heavy[h], count, epsilon * stream.length + 1_000, "count of /heavy/" + h);
        }
    }

    @Test
    void shouldBeExactWhenTopKSeesFewItems() {
        AggregateFunction f = Aggregates.of(new AggregateConfig("t", Type.TOP_K, "page", List.of(), 2));
        Accumulator[] panes = panes(f);
        String[] items = {"a", "b", "b", "c", "c", "c", "d", "d", "d"};
        for (int j = 0; j < items.length; j++) {
            panes[j % PANES].add(items[j], j);
        }
        assertEquals(List.of(Map.of("item", "c", "count", 3L), Map.of("item", "d", "count", 3L)), merge(panes).result());
    }

    private static Accumulator[] panes(AggregateFunction f) {
        Accumulator[] panes = new Accumulator[PANES];
        for (int p = 0; p < PANES; p++) {
            panes[p] = f.create();
        }
        return panes;
    }

    private static Accumulator merge(Accumulator[] panes) {
        Accumulator merged = panes[0].copy();
        for (int p = 1; p < panes.length; p++) {
            merged.merge(panes[p]);
        }
        return merged;
    }
}
