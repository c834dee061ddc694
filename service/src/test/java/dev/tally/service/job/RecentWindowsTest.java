package dev.tally.service.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dashboard keeps of a job's output: the latest value per key and window, bounded. */
class RecentWindowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode window(String key, long start, long count) {
        return JSON.createObjectNode().put("key", key).put("start", start).put("end", start + 10).put("count", count);
    }

    @Test
    void shouldRankTheLatestValueOfEachKeyWhenAWindowIsUpdatedAgain() {
        RecentWindows w = new RecentWindows();
        w.add(window("a", 0, 5));
        w.add(window("b", 0, 3));
        w.add(window("a", 0, 1)); // emit changes: a later value replaces the earlier one
        w.add(window("c", 0, 4));

        List<RecentWindows.Window> latest = w.latest("count", 2);

        assertEquals(1, latest.size());
        assertEquals(3, latest.get(0).keys());
        assertEquals(List.of("c", "b"), latest.get(0).rows().stream().map(RecentWindows.Row::key).toList());
    }

    @Test
    void shouldKeepOnlyTheNewestWindowsAndCountDroppedKeysWhenTheOutputOutgrowsTheBounds() {
        RecentWindows w = new RecentWindows();
        for (int i = 0; i < RecentWindows.MAX_WINDOWS + 5; i++) {
            w.add(window("k", i * 10L, i));
        }
        w.add(window("late", 0, 99)); // older than every window kept: ignored

        List<RecentWindows.Window> latest = w.latest("count", 10);
        assertEquals(RecentWindows.MAX_WINDOWS, latest.size());
        assertEquals(50, latest.get(0).bounds().start(), "the 5 oldest windows gave way");
        assertTrue(latest.stream().noneMatch(x -> x.rows().stream().anyMatch(r -> r.key().equals("late"))));

        long start = 10_000;
        for (int i = 0; i < RecentWindows.MAX_KEYS + 7; i++) {
            w.add(window("key" + i, start, i));
        }
        RecentWindows.Window big = w.latest("count", 1).get(RecentWindows.MAX_WINDOWS - 1);
        assertEquals(RecentWindows.MAX_KEYS + 7, big.keys());
        assertEquals(7, big.dropped());
    }
}
