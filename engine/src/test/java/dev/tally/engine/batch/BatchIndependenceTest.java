package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows close at the record that moves the watermark past them, so what a job computes depends on
 * the order of records, never on where batches begin and end: batches of 1, 2 and 7 records give
 * exactly what one batch of everything gives, late records included.
 */
class BatchIndependenceTest {
    private static final String AGGREGATES = """
            aggregates:
              n: count
              total: { sum: v }
              first_v: { first: v }
              last_v: { last: v }
            """;

    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of("hopping changes", """
                        time: { type: event, field: t, grace: 300ms }
                        window: { type: hopping, size: 1s, slide: 250ms }
                        emit: changes
                        """, true),
                Arguments.of("hopping final", """
                        time: { type: event, field: t, grace: 300ms }
                        window: { type: hopping, size: 1s, slide: 250ms }
                        emit: final
                        """, true),
                Arguments.of("tumbling final", """
                        time: { type: event, field: t }
                        window: { type: tumbling, size: 500ms }
                        emit: final
                        """, true),
                Arguments.of("global", """
                        time: { type: event, field: t }
                        window: { type: global }
                        emit: changes
                        """, false));
    }

    /** Six keys, times mostly rising with jitter, and now and then a record far behind (late for windows). */
    private static String[] input() {
        Random random = new Random(42);
        List<String> lines = new ArrayList<>();
        long t = 10_000;
        for (int i = 0; i < 400; i++) {
            t += random.nextInt(40);
            long time = random.nextInt(10) == 0 ? t - random.nextInt(2_000) : t - random.nextInt(100);
            lines.add("{\"k\":\"k" + random.nextInt(6) + "\",\"t\":" + time + ",\"v\":" + random.nextInt(100) + "}");
        }
        return lines.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void shouldGiveTheSameResultsWhenTheInputIsCutIntoBatchesOfAnySize(String kind, String yaml, boolean hasLate) {
        JobConfig job = FileRuns.job(yaml + AGGREGATES);
        String[] input = input();
        FileRun.Result whole = FileRuns.run(job, Integer.MAX_VALUE, input);
        assertFalse(whole.windows().isEmpty(), kind);
        assertEquals(hasLate, !whole.rejected().isEmpty(), kind + ": late records " + whole.rejected().size());
        for (int batch : new int[] {1, 2, 7}) {
            FileRun.Result cut = FileRuns.run(job, batch, input);
            assertEquals(whole.windows(), cut.windows(), kind + " in batches of " + batch);
            assertEquals(whole.rejected(), cut.rejected(), kind + " in batches of " + batch);
        }
        assertTrue(whole.rejected().stream().allMatch(r -> r.reason().equals("LATE")), kind);
    }

    @Test
    void shouldNotJoinASessionThatTheWatermarkClosedEarlierInTheSameBatch() {
        JobConfig job = FileRuns.job("""
                time: { type: event, field: t, grace: 20ms }
                window: { type: session, gap: 10ms }
                aggregates: { n: count }
                emit: final
                """);
        String[] input = {FileRuns.event("a", 2), FileRuns.event("b", 40), FileRuns.event("a", 11)};
        assertEquals(FileRuns.run(job, 1, input).windows(), FileRuns.run(job, Integer.MAX_VALUE, input).windows());
    }

    @Test
    void shouldStartAFreshRunningAggregateWhenAKeyComesBackAfterItsIdleTimeout() {
        JobConfig job = FileRuns.job("""
                time: { type: event, field: t }
                window: { type: global, idle-timeout: 500ms }
                aggregates: { n: count }
                emit: changes
                """);
        String[] input = {FileRuns.event("a", 0), FileRuns.event("b", 1000), FileRuns.event("a", 1100)};
        assertEquals(FileRuns.run(job, 1, input).windows(), FileRuns.run(job, Integer.MAX_VALUE, input).windows());
    }
}
