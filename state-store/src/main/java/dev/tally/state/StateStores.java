package dev.tally.state;

import java.nio.file.Path;
import java.util.Objects;

/** Opens stores. The only entry point: implementations are package-private. */
public final class StateStores {
    private StateStores() {
    }

    /**
     * A process-wide RocksDB memory budget of {@code bytes} (block cache + write buffers; at least
     * 4 MiB). A third of it may hold memtables, whose size is charged to the block cache, so block
     * cache and memtables of all stores together stay within {@code bytes}. Close it after every
     * store that uses it.
     */
    public static MemoryBudget memoryBudget(long bytes) {
        return new RocksMemoryBudget(bytes);
    }

    /**
     * A RocksDB store in {@code dir} (created if absent), drawing on the shared budget, which must
     * come from {@link #memoryBudget(long)}. Reopening a directory left by a killed process works:
     * RocksDB replays its WAL. Throws {@link StateStoreException} if the directory cannot be opened.
     */
    public static PaneStore rocksDb(Path dir, MemoryBudget budget) {
        Objects.requireNonNull(dir, "dir");
        if (!(budget instanceof RocksMemoryBudget rocksBudget)) {
            throw new IllegalArgumentException("budget must come from StateStores.memoryBudget");
        }
        return new RocksPaneStore(dir, rocksBudget);
    }

    /** A heap store with the same contract, for {@code tally test} and tests. */
    public static PaneStore inMemory() {
        return new HeapPaneStore();
    }
}
