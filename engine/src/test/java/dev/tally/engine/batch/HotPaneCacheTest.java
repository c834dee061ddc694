package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The hot-pane cache answers "absent" for a miss above its boundary without reading the store.
 * Property: whatever the byte budget (everything cached, nothing cached = the store-only path,
 * or a budget small enough to evict in the middle of every batch), a job gives the same windows
 * and the same late records, for any input and batch size; and a finished job gives its share of
 * the process budget back.
 */
class HotPaneCacheTest {
    private static final HotPaneBudget DEFAULT = HotPaneBudget.process();

    @AfterEach
    void restore() {
        HotPaneBudget.useForThisProcess(DEFAULT);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            for (String emit : List.of("changes", "final")) {
                cases.add(Arguments.of(seed, emit, seed % 2 == 0));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "seed {0}, emit {1}, repartitioned {2}")
    @MethodSource("cases")
    void shouldGiveTheStoreOnlyResultsWhateverTheBudgetWhenPanesAreEvicted(long seed, String emit, boolean repartitioned) {
        String body = "time: { type: event, field: t, grace: 400ms }\n"
                + "window: { type: hopping, size: 2s, slide: 500ms }\n"
                + "aggregates: { n: count, total: { sum: v }, last_v: { last: v } }\nemit: " + emit + "\n";
        JobConfig job = repartitioned ? FileRuns.job(body) : FileRuns.directJob(body);
        String[] input = input(new Random(seed));
        FileRun.Result storeOnly = run(job, new HotPaneBudget(0), 7, input);
        assertFalse(storeOnly.windows().isEmpty());
        for (long budget : new long[] {Long.MAX_VALUE, 3_000, 20_000}) {
            for (int batch : new int[] {1, 7, Integer.MAX_VALUE}) {
                HotPaneBudget b = new HotPaneBudget(budget);
                FileRun.Result r = run(job, b, batch, input);
                assertEquals(storeOnly.windows(), r.windows(), "budget " + budget + ", batches of " + batch);
                assertEquals(storeOnly.rejected(), r.rejected(), "budget " + budget + ", batches of " + batch);
                assertEquals(0, b.usedBytes(), "a finished job gives its cache's bytes back");
            }
        }
    }

    private static FileRun.Result run(JobConfig job, HotPaneBudget budget, int batch, String[] input) {
        HotPaneBudget.useForThisProcess(budget);
        return FileRuns.run(job, batch, input);
    }

    /** Eight keys, times rising with jitter, now and then a record far behind (late for some or all windows). */
    private static String[] input(Random random) {
        List<String> lines = new ArrayList<>();
        long t = 50_000;
        for (int i = 0; i < 600; i++) {
            t += random.nextInt(60);
            long time = random.nextInt(12) == 0 ? t - random.nextInt(3_000) : t - random.nextInt(150);
            lines.add("{\"k\":\"k" + random.nextInt(8) + "\",\"t\":" + time + ",\"v\":" + random.nextInt(100) + "}");
        }
        return lines.toArray(String[]::new);
    }
}
