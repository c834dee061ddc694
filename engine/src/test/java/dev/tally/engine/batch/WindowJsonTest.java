package dev.tally.engine.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.engine.aggregate.Accumulator;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written window JSON must read back, through Jackson, as exactly what was formatted. */
class WindowJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JobPlan PLAN = new JobPlan(FileRuns.job("""
            time: { type: event, field: t, grace: 1s }
            window: { type: hopping, size: 10s, slide: 5s }
            aggregates: { n: count, last_v: { last: v } }
            emit: changes
            """));

    @Test
    void shouldWriteEveryKeyAndBoundExactlyWhenKeysRepeatAndBoundsShareCacheSlots() throws IOException {
        WindowJson json = new WindowJson(PLAN);
        Random random = new Random(7);
        String[] keys = {"u1", "Zoë \"quoted\" \\ key", "", "🚀", "u1"};
        for (int i = 0; i < 20_000; i++) {
            // runs of the same key instance, as a batch end emits them, then a new one
            String key = i % 7 == 0 ? new String(keys[random.nextInt(keys.length)]) : keys[(i / 7) % keys.length];
            long start = switch (i % 4) {
                case 0 -> 1_700_000_000_000L + 5_000L * random.nextInt(5_000);
                case 1 -> random.nextLong() / 2;
                case 2 -> -5_000L * random.nextInt(1_000);
                default -> 5_000L * (i % 3);
            };
            long end = start + 10_000;
            Accumulator[] value = PLAN.newAccumulators();
            value[0].add(null, start);
            value[1].add("v" + i, start);

            JsonNode node = MAPPER.readTree(json.format(key, start, end, value));

            assertEquals(key, node.get("key").asText());
            assertEquals(start, node.get("start").asLong(), "start of window " + i);
            assertEquals(end, node.get("end").asLong(), "end of window " + i);
            assertEquals(1, node.get("n").asLong());
            assertEquals("v" + i, node.get("last_v").asText());
        }
    }

    @Test
    void shouldWriteUpdatedInsteadOfBoundsWhenWindowIsGlobal() throws IOException {
        Accumulator[] value = PLAN.newAccumulators();
        JsonNode node = MAPPER.readTree(new WindowJson(PLAN).format("k", Long.MIN_VALUE, 42L, value));
        assertEquals(42L, node.get("updated").asLong());
        assertEquals(null, node.get("start"));
    }
}
