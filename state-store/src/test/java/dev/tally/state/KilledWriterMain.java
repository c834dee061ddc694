package dev.tally.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link RocksPaneStoreKillTest}: applies batches to a store until it is killed,
 * printing each checkpoint offset once its batch is applied. It never closes the store.
 */
public final class KilledWriterMain {
    private KilledWriterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MemoryBudget budget = StateStores.memoryBudget(16L << 20);
        PaneStore store = StateStores.rocksDb(Path.of(args[0]), budget);
        for (long offset = 1; ; offset++) {
            try (StoreBatch batch = store.newBatch()) {
                batch.put(0, offset, "k".getBytes(StandardCharsets.UTF_8), Long.toString(offset).getBytes(StandardCharsets.UTF_8));
                batch.checkpoint(0, new TaskCheckpoint(offset, new byte[0]));
                store.apply(batch);
            }
            System.out.println(offset);
            System.out.flush();
            Thread.sleep(5);
        }
    }
}
