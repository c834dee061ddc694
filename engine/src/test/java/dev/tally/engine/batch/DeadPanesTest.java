package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pane all of whose windows closed inside the batch that filled it is dead at birth: its windows
 * were emitted, so it is neither sent to the changelog nor written to the store. What stays must be
 * enough to carry on: a restart from the store continues with exactly the windows of a run that
 * never stopped.
 */
class DeadPanesTest {
    private static final JobConfig JOB = FileRuns.job("""
            time: { type: event, field: t, grace: 1s }
            window: { type: hopping, size: 10s, slide: 5s }
            aggregates: { n: count }
            emit: changes
            """);

    /** Records what a batch end sends: window values by (start, key), changelog panes. */
    private static final class Recorder implements BatchSink {
        final TreeMap<String, Long> windows = new TreeMap<>();
        final List<Long> changelogPanes = new ArrayList<>();

        @Override
        public void window(int task, String key, long start, long end, Accumulator[] value) {
            windows.put(start + "/" + key, (Long) value[0].result());
        }

        @Override
        public void retract(int task, String key, long start, long end) {
            throw new AssertionError("hopping windows never retract");
        }

        @Override
        public void changelog(int task, long pane, byte[] key, byte[] value) {
            changelogPanes.add(pane);
        }

        @Override
        public void taskMeta(int task, byte[] meta) {
        }
    }

    private static void fold(WindowOperator op, long fromSecond, long toSecond) {
        for (long s = fromSecond; s < toSecond; s++) {
            for (String key : new String[] {"a", "b"}) {
                assertTrue(op.fold(key, s * 1_000 + 500, new Object[] {1L}, 0), "on time at " + s);
            }
        }
    }

    private static void endBatch(WindowOperator op, PaneStore store, BatchSink out) {
        try (StoreBatch writes = store.newBatch()) {
            op.onBatchEnd(store, 0, out, writes);
            store.apply(writes);
        }
        op.onCommit();
    }

    @Test
    void shouldWriteOnlyLivePanesWhenABatchSpansManyWindows() {
        JobPlan plan = new JobPlan(JOB);
        Recorder out = new Recorder();
        try (PaneStore store = StateStores.inMemory()) {
            WindowOperator op = WindowOperator.create(0, plan, store, null, 0);
            fold(op, 0, 120);
            endBatch(op, store, out);
            // stream time 119.5 s, watermark 118.5 s: windows from [110, 120) on are open, so only
            // panes from 110 s on are live; 24 panes per key were filled, 2 per key survive
            assertEquals(List.of(110_000L, 110_000L, 115_000L, 115_000L),
                    out.changelogPanes.stream().sorted().toList());
            assertFalse(out.windows.isEmpty());
            assertEquals(10L, out.windows.get("50000/a"), "a closed window still went out, complete");
        }
    }

    @Test
    void shouldContinueExactlyWhenRestartedFromTheStoreItWrote() {
        JobPlan plan = new JobPlan(JOB);
        Recorder straight = new Recorder();
        try (PaneStore store = StateStores.inMemory()) {
            WindowOperator op = WindowOperator.create(0, plan, store, null, 0);
            fold(op, 0, 120);
            endBatch(op, store, straight);
            fold(op, 120, 200);
            endBatch(op, store, straight);
        }
        Recorder restarted = new Recorder();
        try (PaneStore store = StateStores.inMemory()) {
            WindowOperator first = WindowOperator.create(0, plan, store, null, 0);
            fold(first, 0, 120);
            endBatch(first, store, restarted);
            // a new operator over the same store and clock, as after a crash and restore
            WindowOperator second = WindowOperator.create(0, plan, store, first.clockBytes(), 0);
            fold(second, 120, 200);
            endBatch(second, store, restarted);
        }
        assertEquals(straight.windows, restarted.windows);
        assertEquals(10L, restarted.windows.get("115000/b"), "the window straddling the restart counts both halves");
    }
}
