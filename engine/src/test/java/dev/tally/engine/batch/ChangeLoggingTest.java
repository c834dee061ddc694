package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every state write goes to the store batch and the changelog together: after each batch, the
 * changelog as compaction keeps it (last value per key, tombstones drop keys) equals the local
 * store, for the kinds whose state lives in a compact-only changelog (sessions, global keys that
 * expire after their idle timeout: their markers and values must be tombstoned, not left behind).
 */
class ChangeLoggingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "window: { type: global, idle-timeout: 500ms }\nemit: changes",
            "window: { type: session, gap: 300ms }\nemit: final",
            "window: { type: session, gap: 300ms }\nemit: changes"})
    void shouldLeaveTheCompactedChangelogEqualToTheStoreWhenKeysComeAndExpire(String window) throws Exception {
        JobConfig job = FileRuns.directJob("time: { type: event, field: t }\n" + window + "\naggregates: { n: count }\n");
        JobPlan plan = new JobPlan(job);
        RecordPipeline pipeline = RecordPipeline.compile(job);
        Map<String, String> changelog = new TreeMap<>();
        BatchSink sink = new BatchSink() {
            @Override
            public void window(int task, String key, long start, long end, Accumulator[] value) {
            }

            @Override
            public void retract(int task, String key, long start, long end) {
            }

            @Override
            public void changelog(int task, long pane, byte[] key, byte[] value) {
                String k = pane + "/" + new String(key, StandardCharsets.UTF_8);
                if (value == null) {
                    changelog.remove(k);
                } else {
                    changelog.put(k, HexFormat.of().formatHex(value));
                }
            }

            @Override
            public void taskMeta(int task, byte[] meta) {
            }
        };
        Random random = new Random(7);
        try (PaneStore store = StateStores.inMemory()) {
            WindowOperator op = WindowOperator.create(0, plan, store, null, 0);
            long t = 0;
            for (int batch = 0; batch < 40; batch++) {
                for (int i = 0; i < 5; i++) {
                    t += random.nextInt(200);
                    String key = "k" + random.nextInt(batch < 20 ? 8 : 3);
                    byte[] value = ("{\"k\":\"" + key + "\",\"t\":" + t + "}").getBytes(StandardCharsets.UTF_8);
                    pipeline.process(key.getBytes(StandardCharsets.UTF_8), value, t, t, (k, time, in) -> op.fold(k, time, in, time));
                }
                try (StoreBatch writes = store.newBatch()) {
                    op.onBatchEnd(store, t, sink, writes);
                    store.apply(writes);
                    op.onCommit();
                }
                assertEquals(stored(store), changelog, "after batch " + batch);
            }
            assertFalse(changelog.isEmpty());
        }
    }

    /** Every entry of task 0: a scan below the last slot, and each test key's entry in the last slot (global state, open sessions). */
    private static Map<String, String> stored(PaneStore store) {
        Map<String, String> m = new TreeMap<>();
        try (PaneCursor c = store.scan(0, Long.MIN_VALUE, Long.MAX_VALUE)) {
            while (c.next()) {
                m.put(c.pane() + "/" + new String(c.key(), StandardCharsets.UTF_8), HexFormat.of().formatHex(c.value()));
            }
        }
        for (int k = 0; k < 8; k++) {
            byte[] v = store.get(0, Long.MAX_VALUE, ("k" + k).getBytes(StandardCharsets.UTF_8));
            if (v != null) {
                m.put(Long.MAX_VALUE + "/k" + k, HexFormat.of().formatHex(v));
            }
        }
        return m;
    }
}
