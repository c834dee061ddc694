package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PaneStore contract, written once and run against every implementation. */
abstract class PaneStoreContractTest {
    protected PaneStore store;

    /** A fresh, empty store. */
    protected abstract PaneStore openStore();

    /** Releases what {@link #openStore()} needed besides the store, after the store closed. */
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

    record Entry(long pane, String key, String value) {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    protected void put(int task, long pane, String key, String value) {
        try (StoreBatch batch = store.newBatch()) {
            batch.put(task, pane, bytes(key), bytes(value));
            store.apply(batch);
        }
    }

    protected static List<Entry> scanAll(PaneStore s, int task, long from, long to) {
        List<Entry> out = new ArrayList<>();
        try (PaneCursor cursor = s.scan(task, from, to)) {
            while (cursor.next()) {
                out.add(new Entry(cursor.pane(), string(cursor.key()), string(cursor.value())));
            }
        }
        return out;
    }

    @Test
    void shouldReturnValueWhenPutWasApplied() {
        put(1, 100, "k", "v1");
        put(1, 100, "k", "v2");

        assertEquals("v2", string(store.get(1, 100, bytes("k"))));
    }

    @Test
    void shouldReturnNullWhenKeyPaneOrTaskDiffers() {
        put(1, 100, "k", "v");

        assertNull(store.get(1, 100, bytes("other")));
        assertNull(store.get(1, 101, bytes("k")));
        assertNull(store.get(2, 100, bytes("k")));
    }

    @Test
    void shouldHandleEmptyAndLongKeysWhenPutAndRead() {
        byte[] longKey = new byte[5000];
        longKey[4999] = 7;
        byte[] longValue = new byte[100_000];
        longValue[0] = 1;
        try (StoreBatch batch = store.newBatch()) {
            batch.put(0, 5, new byte[0], bytes("empty"));
            batch.put(0, 5, longKey, longValue);
            store.apply(batch);
        }

        assertEquals("empty", string(store.get(0, 5, new byte[0])));
        assertArrayEquals(longValue, store.get(0, 5, longKey));
        try (PaneCursor cursor = store.scan(0, 5, 6)) {
            assertTrue(cursor.next());
            assertEquals(0, cursor.key().length);
            assertTrue(cursor.next());
            assertArrayEquals(longKey, cursor.key());
            assertEquals(false, cursor.next());
        }
    }

    @Test
    void shouldOrderByPaneWhenPanesAreNegativeZeroAndPositive() {
        long[] panes = {Long.MAX_VALUE - 1, 1, 0, -1, Long.MIN_VALUE, 1_700_000_000_000L, -86_400_000L};
        for (long pane : panes) {
            put(3, pane, "k", "v" + pane);
        }

        List<Long> seen = scanAll(store, 3, Long.MIN_VALUE, Long.MAX_VALUE).stream().map(Entry::pane).toList();

        assertEquals(List.of(Long.MIN_VALUE, -86_400_000L, -1L, 0L, 1L, 1_700_000_000_000L, Long.MAX_VALUE - 1), seen);
    }

    @Test
    void shouldOrderKeysByUnsignedBytesWhenPaneIsShared() {
        byte[][] keys = {{(byte) 0xFF}, {0x7F}, {0x00}, {(byte) 0x80}, {0x00, 0x00}, {0x01}};
        try (StoreBatch batch = store.newBatch()) {
            for (byte[] key : keys) {
                batch.put(2, 10, key, key);
            }
            store.apply(batch);
        }

        List<byte[]> seen = new ArrayList<>();
        try (PaneCursor cursor = store.scan(2, 10, 11)) {
            while (cursor.next()) {
                seen.add(cursor.key());
            }
        }

        byte[][] expected = {{0x00}, {0x00, 0x00}, {0x01}, {0x7F}, {(byte) 0x80}, {(byte) 0xFF}};
        assertEquals(expected.length, seen.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], seen.get(i), "position " + i);
        }
    }

    @Test
    void shouldIncludeFromAndExcludeToWhenScanning() {
        for (long pane = 0; pane < 50; pane += 10) {
            put(1, pane, "a", "p" + pane);
            put(1, pane, "b", "p" + pane);
        }

        List<Entry> range = scanAll(store, 1, 10, 30);

        assertEquals(List.of(new Entry(10, "a", "p10"), new Entry(10, "b", "p10"),
                new Entry(20, "a", "p20"), new Entry(20, "b", "p20")), range);
        assertEquals(List.of(), scanAll(store, 1, 30, 30));
        assertEquals(List.of(), scanAll(store, 1, 40, 10));
        assertEquals(2, scanAll(store, 1, 11, 21).size());
    }

    @Test
    void shouldSeeOnlyOwnTaskWhenScanningNeighbouringTasks() {
        put(0, 5, "zero", "0");
        put(1, 5, "one", "1");
        put(2, 5, "two", "2");
        put(Integer.MAX_VALUE, 5, "max", "m");

        assertEquals(List.of(new Entry(5, "one", "1")), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(List.of(new Entry(5, "max", "m")), scanAll(store, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void shouldReturnFreshCopiesWhenCursorIsRead() {
        put(1, 1, "key", "value");

        try (PaneCursor cursor = store.scan(1, 0, 2)) {
            assertTrue(cursor.next());
            cursor.key()[0] = 'X';
            cursor.value()[0] = 'X';
            assertEquals("key", string(cursor.key()));
            assertEquals("value", string(cursor.value()));
        }
        assertEquals("value", string(store.get(1, 1, bytes("key"))));
    }

    @Test
    void shouldRemoveOnlyOlderPanesOfThatTaskWhenDeletingPanesBefore() {
        for (int task = 1; task <= 2; task++) {
            for (long pane : new long[] {-10, 0, 10, 20}) {
                put(task, pane, "k", "t" + task + "p" + pane);
            }
        }

        try (StoreBatch batch = store.newBatch()) {
            batch.deletePanesBefore(1, 10);
            store.apply(batch);
        }

        assertEquals(List.of(10L, 20L), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE).stream().map(Entry::pane).toList());
        assertEquals(List.of(-10L, 0L, 10L, 20L), scanAll(store, 2, Long.MIN_VALUE, Long.MAX_VALUE).stream().map(Entry::pane).toList());
        assertNull(store.get(1, 0, bytes("k")));
        assertEquals("t1p10", string(store.get(1, 10, bytes("k"))));
    }

    @Test
    void shouldApplyOperationsInOrderWhenBatchMixesPutsAndDeletes() {
        put(1, 0, "old", "x");
        try (StoreBatch batch = store.newBatch()) {
            batch.put(1, 0, bytes("gone"), bytes("1"));
            batch.deletePanesBefore(1, 5);
            batch.put(1, 0, bytes("kept"), bytes("2"));
            batch.put(1, 7, bytes("deleted"), bytes("3"));
            batch.delete(1, 7, bytes("deleted"));
            assertEquals(5, batch.size());
            store.apply(batch);
        }

        assertEquals(List.of(new Entry(0, "kept", "2")), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void shouldReturnNoneWhenTaskHasNoCheckpoint() {
        assertEquals(TaskCheckpoint.NONE.changelogOffset(), store.checkpoint(4).changelogOffset());
        assertEquals(0, store.checkpoint(4).meta().length);
    }

    @Test
    void shouldRoundTripCheckpointWhenApplied() {
        try (StoreBatch batch = store.newBatch()) {
            batch.checkpoint(1, new TaskCheckpoint(41, bytes("first")));
            batch.checkpoint(1, new TaskCheckpoint(42, bytes("meta")));
            batch.checkpoint(2, new TaskCheckpoint(7, new byte[0]));
            store.apply(batch);
        }

        assertEquals(42, store.checkpoint(1).changelogOffset());
        assertEquals("meta", string(store.checkpoint(1).meta()));
        assertEquals(7, store.checkpoint(2).changelogOffset());
        assertEquals(0, store.checkpoint(2).meta().length);
        assertEquals(-1, store.checkpoint(3).changelogOffset());
    }

    @Test
    void shouldNotSeeCheckpointsWhenScanningOrCounting() {
        try (StoreBatch batch = store.newBatch()) {
            batch.checkpoint(1, new TaskCheckpoint(42, bytes("meta")));
            store.apply(batch);
        }

        assertEquals(List.of(), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(List.of(), scanAll(store, 0, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(0, store.approximateEntries());
    }

    @Test
    void shouldChangeNothingWhenBatchIsClosedWithoutApply() {
        put(1, 10, "k", "before");
        try (StoreBatch batch = store.newBatch()) {
            batch.checkpoint(1, new TaskCheckpoint(42, bytes("meta")));
        }
        try (StoreBatch batch = store.newBatch()) {
            batch.put(1, 10, bytes("k"), bytes("after"));
            batch.put(1, 20, bytes("new"), bytes("x"));
            batch.deletePanesBefore(1, Long.MAX_VALUE);
            batch.checkpoint(1, new TaskCheckpoint(43, bytes("meta")));
        }

        assertEquals(List.of(new Entry(10, "k", "before")), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(-1, store.checkpoint(1).changelogOffset());
    }

    @Test
    void shouldShowDataAndCheckpointTogetherWhenBatchIsApplied() {
        try (StoreBatch batch = store.newBatch()) {
            batch.put(1, 10, bytes("k"), bytes("v"));
            batch.checkpoint(1, new TaskCheckpoint(100, bytes("wm")));
            assertNull(store.get(1, 10, bytes("k")), "nothing is visible before apply");
            assertEquals(-1, store.checkpoint(1).changelogOffset(), "nothing is visible before apply");
            store.apply(batch);
        }

        assertEquals("v", string(store.get(1, 10, bytes("k"))));
        assertEquals(100, store.checkpoint(1).changelogOffset());
    }

    @Test
    void shouldCopyArgumentsWhenCallerReusesArrays() {
        byte[] key = bytes("k1");
        byte[] value = bytes("v1");
        try (StoreBatch batch = store.newBatch()) {
            batch.put(1, 1, key, value);
            key[1] = '2';
            value[1] = '2';
            store.apply(batch);
        }

        assertEquals("v1", string(store.get(1, 1, bytes("k1"))));
        assertNull(store.get(1, 1, bytes("k2")));
    }

    @Test
    void shouldRemoveEntriesAndCheckpointOfTaskOnlyWhenTaskIsDropped() {
        try (StoreBatch batch = store.newBatch()) {
            for (int task = 0; task <= 2; task++) {
                batch.put(task, Long.MIN_VALUE, bytes("min"), bytes("x"));
                batch.put(task, Long.MAX_VALUE, bytes("max"), bytes("x"));
                batch.checkpoint(task, new TaskCheckpoint(task + 10, new byte[0]));
            }
            store.apply(batch);
        }

        store.dropTask(1);

        assertNull(store.get(1, Long.MIN_VALUE, bytes("min")));
        assertNull(store.get(1, Long.MAX_VALUE, bytes("max")));
        assertEquals(-1, store.checkpoint(1).changelogOffset());
        for (int task : new int[] {0, 2}) {
            assertEquals("x", string(store.get(task, Long.MAX_VALUE, bytes("max"))));
            assertEquals("x", string(store.get(task, Long.MIN_VALUE, bytes("min"))));
            assertEquals(task + 10, store.checkpoint(task).changelogOffset());
        }
    }

    @Test
    void shouldCountEntriesAndBytesWhenDataWasApplied() {
        try (StoreBatch batch = store.newBatch()) {
            for (int i = 0; i < 100; i++) {
                batch.put(1, i, bytes("key"), bytes("value" + i));
            }
            store.apply(batch);
        }

        assertTrue(store.approximateEntries() > 0, "entries " + store.approximateEntries());
        assertTrue(store.approximateBytes() > 0, "bytes " + store.approximateBytes());
    }

    @Test
    void shouldRejectNegativeTaskWhenUsed() {
        try (StoreBatch batch = store.newBatch()) {
            assertThrows(IllegalArgumentException.class, () -> batch.put(-1, 0, bytes("k"), bytes("v")));
            assertThrows(IllegalArgumentException.class, () -> batch.checkpoint(-1, TaskCheckpoint.NONE));
        }
        assertThrows(IllegalArgumentException.class, () -> store.get(-1, 0, bytes("k")));
        assertThrows(IllegalArgumentException.class, () -> store.dropTask(-1));
    }

    @Test
    void shouldRejectBatchWhenItComesFromAnotherStore() {
        try (PaneStore other = StateStores.inMemory(); StoreBatch foreign = other.newBatch()) {
            foreign.put(1, 1, bytes("k"), bytes("v"));
            assertThrows(IllegalArgumentException.class, () -> store.apply(foreign));
        }
        assertNull(store.get(1, 1, bytes("k")));
    }

    @Test
    void shouldRejectCallsWhenStoreIsClosed() {
        store.close();

        assertThrows(IllegalStateException.class, () -> store.get(1, 1, bytes("k")));
        assertThrows(IllegalStateException.class, () -> store.newBatch());
    }
}
