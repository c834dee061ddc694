package dev.tally.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A tiny run of the PostgreSQL sink benchmark, so it never rots: every contender leaves the table it should. */
class SinkBenchTest {
    @Test
    void shouldLeaveOneRowPerWindowWithItsLastValueWhenEveryContenderRuns() throws Exception {
        int records = 2_000;
        List<SinkBench.Result> results = SinkBench.run(records, 300, 1);
        System.out.println(SinkBench.table(results, records, 300));
        assertEquals(8, results.size());
        for (SinkBench.Result r : results) {
            boolean ceiling = r.contender().startsWith("bare COPY");
            boolean isFinal = r.workload().equals("final");
            long windows = isFinal || ceiling ? records : records / 5;
            assertEquals(windows, r.rows(), r.toString());
            if (!ceiling) {
                // final: every window at version 1; changes: every window at its fifth and last version
                assertEquals(isFinal ? records : windows * 5, r.views(), r.toString());
            }
        }
    }
}
