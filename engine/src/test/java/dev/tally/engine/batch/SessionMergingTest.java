package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.tally.engine.batch.FileRuns.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Session edge cases through the session operator, in one batch and record by record (sessions held
 * in the store between batches), with emit final and emit changes.
 */
class SessionMergingTest {
    private static final String AGGREGATES = """
            aggregates:
              n: count
            """;

    /**
     * Keyed by the record key: the session operator judges each event against the sessions it
     * keeps. (A repartitioned job judges lateness at the source, which sees no sessions: there an
     * event whose own session [t, t + gap) closed under its partition's watermark is late.)
     */
    private static JobConfig sessions(String emit, String grace) {
        return FileRuns.directJob("""
                time: { type: event, field: t, grace: %s }
                window: { type: session, gap: 10ms }
                emit: %s
                """.formatted(grace, emit) + AGGREGATES);
    }

    private static String session(String key, long start, long end, long n) {
        return "{\"key\":\"" + key + "\",\"start\":" + start + ",\"end\":" + end + ",\"n\":" + n + "}";
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, Integer.MAX_VALUE})
    void shouldBridgeTwoSessionsWhenAnEventFallsWithinTheGapOfBoth(int batchSize) {
        for (String emit : List.of("final", "changes")) {
            // [0] and [16] are 16 apart (two sessions); 8 is within 10 of both and joins them.
            FileRun.Result r = FileRuns.run(sessions(emit, "1s"), batchSize, event("a", 0), event("a", 16), event("a", 8));
            assertEquals(List.of(session("a", 0, 16, 3)), r.windows(), emit);
            assertEquals(List.of(), r.rejected(), emit);
        }
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, Integer.MAX_VALUE})
    void shouldStartANewSessionWhenAnEventIsExactlyTheGapAfterTheLast(int batchSize) {
        for (String emit : List.of("final", "changes")) {
            FileRun.Result r = FileRuns.run(sessions(emit, "1s"), batchSize,
                    event("a", 0), event("a", 9), event("a", 19), event("b", 5), event("b", 15));
            assertEquals(List.of(session("a", 0, 9, 2), session("b", 5, 5, 1), session("b", 15, 15, 1), session("a", 19, 19, 1)),
                    r.windows(), emit);
        }
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, Integer.MAX_VALUE})
    void shouldTakeAnOldEventWhenItJoinsASessionThatIsStillOpen(int batchSize) {
        for (String emit : List.of("final", "changes")) {
            // a's session [20,35] closes at watermark 45; b moves the watermark to 40. An event at 25
            // would be closed on its own (25 + 10 <= 40) but joins the open session; one at 5 joins
            // nothing open and is late.
            FileRun.Result r = FileRuns.run(sessions(emit, "0s"), batchSize,
                    event("a", 20), event("a", 28), event("a", 35), event("b", 40), event("a", 25), event("a", 5));
            assertEquals(List.of(session("a", 20, 35, 4), session("b", 40, 40, 1)), r.windows(), emit);
            assertEquals(List.of(new FileRun.Rejected(6, "LATE", "every window of the record's time has closed")), r.rejected(), emit);
        }
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, Integer.MAX_VALUE})
    void shouldMergeASessionOfAnEarlierBatchWithOneBridgingIntoALaterSession(int batchSize) {
        // Emit changes through several merges: [0,5], [30], then 22 joins [30], then 14 bridges everything.
        FileRun.Result r = FileRuns.run(sessions("changes", "1m"), batchSize,
                event("a", 0), event("a", 5), event("a", 30), event("a", 22), event("a", 14));
        assertEquals(List.of(session("a", 0, 30, 5)), r.windows());
    }
}
