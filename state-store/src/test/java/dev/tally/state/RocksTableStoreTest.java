package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksTableStoreTest extends TableStoreContractTest {
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
    void shouldKeepVersionsOffsetsAndNewestTimeWhenTheDirectoryIsReopened() {
        try (TableWrites w = store.tables().newWrites()) {
            w.put("users", "u1", 100, "FR".getBytes(), Long.MIN_VALUE);
            w.put("users", "u1", 200, null, Long.MIN_VALUE);
            w.offset("users", 0, 2);
            store.tables().apply(w);
        }
        store.close();
        store = StateStores.rocksDb(dir.resolve("store"), budget);

        assertEquals(Map.of(0, 2L), store.tables().offsets("users"));
        assertEquals(200, store.tables().newestTime("users"));
        assertEquals("FR@100", valueAt("users", "u1", 150));
        assertEquals("deleted@200", valueAt("users", "u1", 250));
    }
}
