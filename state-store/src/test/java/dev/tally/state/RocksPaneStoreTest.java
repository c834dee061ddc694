package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksPaneStoreTest extends PaneStoreContractTest {
    @TempDir
    Path dir;
    private MemoryBudget budget;

    @Override
    protected PaneStore openStore() {
        budget = StateStores.memoryBudget(16L << 20);
        return StateStores.rocksDb(dir.resolve("store"), budget);
    }

    @Override
    protected void afterStoreClosed() {
        budget.close();
    }

    @Test
    void shouldKeepDataAndCheckpointsWhenDirectoryIsReopened() {
        try (StoreBatch batch = store.newBatch()) {
            batch.put(1, -5, bytes("k"), bytes("v"));
            batch.put(2, 7, bytes("k"), bytes("w"));
            batch.deletePanesBefore(2, 0);
            batch.checkpoint(1, new TaskCheckpoint(99, bytes("clock")));
            store.apply(batch);
        }
        store.close();

        store = StateStores.rocksDb(dir.resolve("store"), budget);

        assertEquals(List.of(new Entry(-5, "k", "v")), scanAll(store, 1, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals("w", string(store.get(2, 7, bytes("k"))));
        assertEquals(99, store.checkpoint(1).changelogOffset());
        assertEquals("clock", string(store.checkpoint(1).meta()));
    }

    @Test
    void shouldWorkAndReportUsageWhenTwoStoresShareOneBudget() {
        try (PaneStore second = StateStores.rocksDb(dir.resolve("second"), budget)) {
            for (PaneStore s : List.of(store, second)) {
                try (StoreBatch batch = s.newBatch()) {
                    for (int i = 0; i < 10_000; i++) {
                        batch.put(1, i % 10, bytes("key-" + i), bytes("value-" + i));
                    }
                    s.apply(batch);
                }
            }

            assertEquals("value-42", string(store.get(1, 2, bytes("key-42"))));
            assertEquals("value-9999", string(second.get(1, 9, bytes("key-9999"))));
            assertEquals(16L << 20, budget.capacityBytes());
            assertTrue(budget.memtableBytes() > 0, "memtable bytes " + budget.memtableBytes());
            assertTrue(budget.blockCacheBytes() > 0, "block cache bytes " + budget.blockCacheBytes());
        }
    }

    @Test
    void shouldRefuseToCloseBudgetWhenAStoreIsStillOpen() {
        assertThrows(IllegalStateException.class, budget::close);

        store.close();
        budget.close();
        budget.close();
    }

    @Test
    void shouldCloseOpenCursorsWhenStoreIsClosed() {
        put(1, 1, "k", "v");
        PaneCursor cursor = store.scan(1, 0, 2);
        assertTrue(cursor.next());

        store.close();

        assertThrows(IllegalStateException.class, cursor::next);
    }

    @Test
    void shouldFailWithStoreExceptionWhenDirectoryIsAFile() throws Exception {
        Path file = java.nio.file.Files.createFile(dir.resolve("plain-file"));

        assertThrows(StateStoreException.class, () -> StateStores.rocksDb(file, budget).close());
    }

    @Test
    void shouldRejectBudgetWhenBelowMinimum() {
        assertThrows(IllegalArgumentException.class, () -> StateStores.memoryBudget(1024));
    }
}
