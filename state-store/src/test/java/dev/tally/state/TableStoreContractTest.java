package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TableStore contract, written once and run against the heap and the RocksDB implementation. */
abstract class TableStoreContractTest {
    protected PaneStore store;

    protected abstract PaneStore openStore();

    protected void afterStoreClosed() {
    }

    @BeforeEach
    void openFreshStore() {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
        afterStoreClosed();
    }

    protected void put(String table, String key, long time, String value, long pruneBefore) {
        try (TableWrites w = store.tables().newWrites()) {
            w.put(table, key, time, value == null ? null : value.getBytes(StandardCharsets.UTF_8), pruneBefore);
            store.tables().apply(w);
        }
    }

    protected String valueAt(String table, String key, long asOf) {
        TableVersion v = store.tables().lookup(table, key, asOf);
        if (v == null) {
            return "none";
        }
        return v.deleted() ? "deleted@" + v.time() : new String(v.value(), StandardCharsets.UTF_8) + "@" + v.time();
    }

    @Test
    void shouldReturnTheVersionValidAtTheAsOfTimeWhenAKeyHasSeveral() {
        put("users", "u1", 100, "FR", Long.MIN_VALUE);
        put("users", "u1", 300, "DE", Long.MIN_VALUE);
        put("users", "u1", 200, "IT", Long.MIN_VALUE); // late: lands between the two, by time

        assertEquals("none", valueAt("users", "u1", 99));
        assertEquals("FR@100", valueAt("users", "u1", 100));
        assertEquals("FR@100", valueAt("users", "u1", 199));
        assertEquals("IT@200", valueAt("users", "u1", 250));
        assertEquals("DE@300", valueAt("users", "u1", 300));
        assertEquals("DE@300", valueAt("users", "u1", Long.MAX_VALUE));
        assertEquals(300, store.tables().newestTime("users"));
    }

    @Test
    void shouldSeeATombstoneAsDeletedFromItsTimeWhenAKeyIsDeleted() {
        put("users", "u1", 100, "FR", Long.MIN_VALUE);
        assertEquals("FR@100", valueAt("users", "u1", Long.MAX_VALUE)); // fills a hot-key cache, where there is one
        put("users", "u1", 200, null, Long.MIN_VALUE);

        assertEquals("FR@100", valueAt("users", "u1", 150));
        assertEquals("deleted@200", valueAt("users", "u1", 200));
        assertEquals("deleted@200", valueAt("users", "u1", Long.MAX_VALUE));
        put("users", "u1", 300, "ES", Long.MIN_VALUE);
        assertEquals("ES@300", valueAt("users", "u1", Long.MAX_VALUE));
    }

    @Test
    void shouldKeepKeysAndTablesApartWhenOneIsAPrefixOfAnother() {
        put("users", "ab", 100, "short", Long.MIN_VALUE);
        put("users", "abc", 50, "long", Long.MIN_VALUE);
        put("user", "ab", 10, "other table", Long.MIN_VALUE);

        assertEquals("short@100", valueAt("users", "ab", 1000));
        assertEquals("none", valueAt("users", "ab", 60));
        assertEquals("long@50", valueAt("users", "abc", 60));
        assertEquals("other table@10", valueAt("user", "ab", 60));
        assertEquals("none", valueAt("users", "a", 1000));
    }

    @Test
    void shouldAnswerFromTheNewestVersionWhenAMissWasCachedBeforeThePut() {
        assertEquals("none", valueAt("users", "u9", Long.MAX_VALUE));
        put("users", "u9", 10, "PT", Long.MIN_VALUE);
        assertEquals("PT@10", valueAt("users", "u9", Long.MAX_VALUE));
        put("users", "u9", 5, "older", Long.MIN_VALUE);
        assertEquals("PT@10", valueAt("users", "u9", Long.MAX_VALUE));
        assertEquals("older@5", valueAt("users", "u9", 7));
    }

    @Test
    void shouldDropOnlyVersionsReplacedBeforeTheHistoryWhenPruning() {
        put("users", "u1", 100, "A", Long.MIN_VALUE);
        put("users", "u1", 200, "B", Long.MIN_VALUE);
        put("users", "u1", 300, "C", Long.MIN_VALUE);
        // History starts at 250: B is still valid then, A was replaced at 200.
        put("users", "u1", 400, "D", 250);

        assertEquals("B@200", valueAt("users", "u1", 250));
        assertEquals("none", valueAt("users", "u1", 150));
        assertEquals("D@400", valueAt("users", "u1", 400));
    }

    @Test
    void shouldApplyVersionsAndOffsetsTogetherWhenABatchIsApplied() {
        try (TableWrites w = store.tables().newWrites()) {
            w.put("users", "u1", 100, "FR".getBytes(StandardCharsets.UTF_8), Long.MIN_VALUE);
            w.put("users", "u2", 120, "DE".getBytes(StandardCharsets.UTF_8), Long.MIN_VALUE);
            w.offset("users", 0, 7);
            w.offset("users", 3, 2);
            assertEquals(Map.of(), store.tables().offsets("users"), "nothing is visible before apply");
            assertEquals("none", valueAt("users", "u1", 1000));
            store.tables().apply(w);
        }
        assertEquals(Map.of(0, 7L, 3, 2L), store.tables().offsets("users"));
        assertEquals(Map.of(), store.tables().offsets("other"));
        assertEquals("DE@120", valueAt("users", "u2", 1000));
        assertTrue(store.tables().approximateVersions("users") >= 2);
        assertEquals(Long.MIN_VALUE, store.tables().newestTime("other"));
    }

    @Test
    void shouldLeaveTheStoreUntouchedWhenWritesAreClosedUnapplied() {
        try (TableWrites w = store.tables().newWrites()) {
            w.put("users", "u1", 100, "FR".getBytes(StandardCharsets.UTF_8), Long.MIN_VALUE);
            w.offset("users", 0, 1);
        }
        assertNull(store.tables().lookup("users", "u1", Long.MAX_VALUE));
        assertEquals(Map.of(), store.tables().offsets("users"));
    }
}
