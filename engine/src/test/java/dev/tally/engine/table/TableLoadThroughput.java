package dev.tally.engine.table;

import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.state.MemoryBudget;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.TableWrites;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How fast a table loads into RocksDB once its records are read (the part Tally adds to reading
 * the topic): {@code java ... TableLoadThroughput [keys]} prints records per second of wall time
 * and per second of this thread's CPU (the figure that does not depend on what else the machine runs).
 * Batches of 10,000, like the loader's polls. Not a test: no timing is asserted anywhere.
 */
public final class TableLoadThroughput {
    private TableLoadThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        JobConfig job = TallyConfigLoader.parseJob("""
                name: w7
                source: { topic: views, format: json }
                tables:
                  users: { topic: users }
                transform:
                  - lookup: { table: users, key: user, fields: { country: country } }
                key: country
                window: { type: tumbling, size: 1m }
                aggregates: { n: count }
                sink: { topic: out }
                """, "w7", Map.of());
        Path dir = Files.createTempDirectory("table-load");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(7);
        String[] countries = {"FR", "DE", "IT", "ES", "PT", "NL", "BE", "PL"};
        byte[][] values = new byte[64][];
        for (int i = 0; i < values.length; i++) {
            values[i] = ("{\"country\":\"" + countries[i % countries.length] + "\",\"plan\":\"" + (i % 4 == 0 ? "pro" : "free")
                    + "\",\"name\":\"user number " + i + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        try (MemoryBudget budget = StateStores.memoryBudget(256L << 20);
             PaneStore store = StateStores.rocksDb(dir.resolve("store"), budget)) {
            StoredTable table = new JobTables(job, store.tables()).get("users");
            long wall = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime();
            for (int from = 0; from < keys; from += 10_000) {
                try (TableWrites writes = store.tables().newWrites()) {
                    for (int k = from; k < Math.min(keys, from + 10_000); k++) {
                        table.add(writes, ("u" + k).getBytes(StandardCharsets.UTF_8), values[random.nextInt(values.length)],
                                1_700_000_000_000L + k, false);
                    }
                    writes.offset(table.storageName(), 0, from + 10_000L);
                    store.tables().apply(writes);
                }
            }
            double wallS = (System.nanoTime() - wall) / 1e9;
            double cpuS = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            System.out.printf("%,d keys loaded in %.2f s: %,.0f records/s wall, %,.0f records per CPU second of the loading thread%n",
                    keys, wallS, keys / wallS, keys / cpuS);
            System.out.printf("lookup check: %s%n", table.lookup("u12345", Long.MAX_VALUE).found() ? "hit" : "miss");
        }
    }
}
