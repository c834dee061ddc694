package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store killed with SIGKILL mid-write reopens with entries and checkpoint that agree. */
class RocksPaneStoreKillTest {
    @TempDir
    Path dir;

    @Test
    void shouldReopenWithConsistentCheckpointWhenWriterWasKilled() throws Exception {
        Path storeDir = dir.resolve("store");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                KilledWriterMain.class.getName(), storeDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long lastPrinted;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = null;
            for (int i = 0; i < 20; i++) {
                line = out.readLine();
                assertNotNull(line, "writer exited early");
            }
            lastPrinted = Long.parseLong(line);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "writer did not die");
        } finally {
            child.destroyForcibly();
        }

        try (MemoryBudget budget = StateStores.memoryBudget(16L << 20);
             PaneStore store = StateStores.rocksDb(storeDir, budget)) {
            long offset = store.checkpoint(0).changelogOffset();
            assertTrue(offset >= lastPrinted, "checkpoint " + offset + " lost an applied batch " + lastPrinted);
            for (long pane = 1; pane <= offset; pane++) {
                assertEquals(Long.toString(pane), new String(store.get(0, pane, "k".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
            }
            assertEquals(null, store.get(0, offset + 1, "k".getBytes(StandardCharsets.UTF_8)), "entry ahead of its checkpoint");
        }
    }
}
