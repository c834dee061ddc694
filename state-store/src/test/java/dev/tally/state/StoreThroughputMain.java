package dev.tally.state;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A rough throughput check, not a test: puts via apply() of 10,000-entry batches, then random
 * point gets, against a RocksDB store in a temporary directory. Args: [entries] [gets] [budgetMiB].
 */
public final class StoreThroughputMain {
    private static final int BATCH = 10_000;
    private static final int TASKS = 8;
    private static final int PANES = 60;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StoreThroughputMain() {
    }

    public static void main(String[] args) throws IOException {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int gets = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long budgetBytes = (args.length > 2 ? Long.parseLong(args[2]) : 256) << 20;
        Path dir = Files.createTempDirectory("tally-store-throughput");
        try (MemoryBudget budget = StateStores.memoryBudget(budgetBytes)) {
            try (PaneStore store = StateStores.rocksDb(dir, budget)) {
                byte[] value = new byte[32];
                long start = System.nanoTime();
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                for (int done = 0; done < entries; ) {
                    try (StoreBatch batch = store.newBatch()) {
                        for (int i = 0; i < BATCH && done < entries; i++, done++) {
                            ByteBuffer.wrap(value).putLong(0, done);
                            batch.put(task(done), pane(done), key(done), value);
                        }
                        batch.checkpoint(0, new TaskCheckpoint(done, new byte[0]));
                        store.apply(batch);
                    }
                }
                report("puts (apply of " + BATCH + "-entry batches)", entries, start, cpuStart);

                SplittableRandom random = new SplittableRandom(42);
                long found = 0;
                start = System.nanoTime();
                cpuStart = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < gets; i++) {
                    int n = random.nextInt(entries);
                    if (store.get(task(n), pane(n), key(n)) != null) {
                        found++;
                    }
                }
                report("random point gets (" + found + " found)", gets, start, cpuStart);
                System.out.printf("approximateEntries=%d approximateBytes=%d blockCache=%d memtables=%d%n",
                        store.approximateEntries(), store.approximateBytes(), budget.blockCacheBytes(), budget.memtableBytes());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int task(int n) {
        return n % TASKS;
    }

    private static long pane(int n) {
        return 1_700_000_000_000L + (n / TASKS % PANES) * 10_000L;
    }

    private static byte[] key(int n) {
        return ("user-" + (n / (TASKS * PANES))).getBytes(StandardCharsets.US_ASCII);
    }

    /** Wall-clock rate, and the calling thread's CPU time, which a busy shared machine distorts less. */
    private static void report(String what, int count, long startNanos, long startCpuNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpuNanos) / 1e9;
        System.out.printf("%-45s %,12d in %6.2f s = %,10.0f /s (caller CPU %.2f s = %.2f us/op)%n",
                what, count, seconds, count / seconds, cpuSeconds, cpuSeconds * 1e6 / count);
    }
}
