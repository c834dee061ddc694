package dev.tally.state;

import java.nio.file.Path;

/** Opens stores. The only entry point: implementations are package-private. */
public final class StateStores {
    private StateStores() {
    }

    /** A process-wide RocksDB memory budget of {@code bytes} (block cache + write buffers). */
    public static MemoryBudget memoryBudget(long bytes) {
        throw new UnsupportedOperationException("to be written");
    }

    /** A RocksDB store in {@code dir} (created if absent), drawing on the shared budget. */
    public static PaneStore rocksDb(Path dir, MemoryBudget budget) {
        throw new UnsupportedOperationException("to be written");
    }

    /** A heap store with the same contract, for {@code tally test} and tests. */
    public static PaneStore inMemory() {
        throw new UnsupportedOperationException("to be written");
    }
}
