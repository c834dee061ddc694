package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CombinerTest {

    @Test
    void shouldDrainPartialsInOrderOfTheirLatestEventTimeWhenKeysAndPanesInterleave() {
        JobConfig job = FileRuns.job("""
                time: { type: processing }
                window: { type: tumbling, size: 1s }
                aggregates: { n: count }
                """);
        Combiner combiner = new Combiner(new JobPlan(job));
        Object[] inputs = {null};
        // Under processing time the receiving task's time follows the partials it merges: hash order
        // would put some later pane first and close earlier panes. (With event time the source
        // watermarks decide, and the order is not paid for.)
        String[] keys = {"zeta", "alpha", "mid", "beta", "omega", "gamma"};
        for (int i = 0; i < keys.length; i++) {
            combiner.add(keys[i], 5_000 - 1_000L * i, inputs);
            combiner.add(keys[i], 5_100 - 1_000L * i, inputs);
        }
        combiner.add("zeta", 7_000, inputs);
        List<Long> times = new ArrayList<>();
        combiner.drain((key, pane, maxEventTime, bytes) -> times.add(maxEventTime));
        assertEquals(List.of(100L, 1_100L, 2_100L, 3_100L, 4_100L, 5_100L, 7_000L), times);
    }
}
