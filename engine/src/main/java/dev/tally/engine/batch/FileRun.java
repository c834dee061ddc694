package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.engine.table.JobTables;
import dev.tally.engine.table.StoredTable;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;
import dev.tally.state.TableWrites;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch half of the API: a job over a file of records, no Kafka, through the same fold,
 * store and emission code as the streaming service. One task; batches of {@code batchSize}
 * records; end of input closes every window. Results are the last value of every window.
 */
public final class FileRun {
    private final JobConfig job;
    private final JobPlan plan;
    private final WindowJson json;

    private final Map<String, List<TableRecord>> tableRecords = new LinkedHashMap<>();
    private final List<String> tableProblems = new ArrayList<>();

    public FileRun(JobConfig job) {
        this.job = job;
        this.plan = new JobPlan(job);
        this.json = new WindowJson(plan);
    }

    /**
     * One record of a table file, in file order (the order a table topic partition would hold):
     * a null value deletes the key from {@code time} on.
     */
    public record TableRecord(byte[] key, byte[] value, long time) {
    }

    /** Gives table {@code name} its records; every table of the job needs them before {@link #run}. */
    public FileRun table(String name, List<TableRecord> records) {
        tableRecords.put(name, List.copyOf(records));
        return this;
    }

    /** Table records that were skipped in the last run (no key, undecodable value), one line each. */
    public List<String> tableProblems() {
        return List.copyOf(tableProblems);
    }

    /** A record that went to the dead-letter path: its line number (1-based), reason and message. */
    public record Rejected(long line, String reason, String message) {
    }

    public record Result(List<String> windows, List<Rejected> rejected) {
    }

    /** {@link #run(List, List, long[], int)} with no record keys. */
    public Result run(List<byte[]> values, long[] times, int batchSize) {
        return run(null, values, times, batchSize);
    }

    /**
     * @param keys      per record the Kafka-like record key (for {@code key: {record-key: true}}; an element may
     *                  be null), or null for no keys at all
     * @param values    record values, one per input line
     * @param times     per record the Kafka-like record timestamp (log-append and processing time), or null for "now"
     * @param batchSize records per batch (Integer.MAX_VALUE = one batch)
     */
    public Result run(List<byte[]> keys, List<byte[]> values, long[] times, int batchSize) {
        Map<String, String> windows = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        BatchSink sink = new BatchSink() {
            @Override
            public void window(int task, String key, long start, long end, Accumulator[] value) {
                windows.put(start + "\u0000" + key, new String(json.format(key, start, end, value), StandardCharsets.UTF_8));
            }

            @Override
            public void retract(int task, String key, long start, long end) {
                windows.remove(start + "\u0000" + key);
            }

            @Override
            public void changelog(int task, long pane, byte[] key, byte[] value) {
            }

            @Override
            public void taskMeta(int task, byte[] meta) {
            }
        };
        try (PaneStore store = StateStores.inMemory()) {
            RecordPipeline pipeline = RecordPipeline.compile(job, loadTables(store).views());
            long now = System.currentTimeMillis();
            // A repartitioning job goes the way it goes through Kafka: lateness at the source, then
            // partials and the source's watermark through the (here: local) repartition topic.
            boolean viaSources = plan.watermarksFromSources();
            WindowOperator task = WindowOperator.create(0, plan, store, null, now, viaSources ? 1 : 0);
            RepartitionSource source = viaSources ? new RepartitionSource(plan) : null;
            LocalRepartition repartition = viaSources ? new LocalRepartition(plan, List.of(task)) : null;
            if (source != null) {
                source.time().sourcePartitions(1);
                source.time().assign(0, null, times == null || times.length == 0 ? now : times[0]);
            }
            boolean[] late = new boolean[1];
            for (int i = 0; i < values.size(); i++) {
                long time = times == null ? now : times[i];
                late[0] = false;
                try {
                    pipeline.process(keys == null ? null : keys.get(i), values.get(i), time, time,
                            (k, t, in) -> late[0] |= source != null ? !source.add(0, k, t, in, time) : !task.fold(k, t, in, time));
                    if (late[0]) {
                        rejected.add(new Rejected(i + 1, BadRecordException.Reason.LATE.name(), "every window of the record's time has closed"));
                    }
                } catch (BadRecordException e) {
                    rejected.add(new Rejected(i + 1, e.reason().name(), e.getMessage()));
                } catch (dev.tally.engine.window.TimeOutOfRangeException e) {
                    rejected.add(new Rejected(i + 1, BadRecordException.Reason.BAD_TIME.name(), e.getMessage()));
                }
                if ((i + 1) % batchSize == 0) {
                    finish(source, repartition, task, store, time, sink);
                }
            }
            finish(source, repartition, task, store, now, sink);
            task.closeAll(now);
            finish(null, null, task, store, now, sink);
            task.close();
        }
        List<String> sorted = windows.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, String> e) -> Long.parseLong(e.getKey().substring(0, e.getKey().indexOf('\u0000'))))
                        .thenComparing(e -> e.getKey().substring(e.getKey().indexOf('\u0000') + 1)))
                .map(Map.Entry::getValue).toList();
        return new Result(sorted, rejected);
    }

    /** Loads every table whole before the first record, as the service does before it is ready. */
    private JobTables loadTables(PaneStore store) {
        tableProblems.clear();
        JobTables tables = new JobTables(job, store.tables());
        for (StoredTable table : tables.all().values()) {
            List<TableRecord> records = tableRecords.get(table.config().name());
            if (records == null) {
                throw new IllegalArgumentException("the job looks records up in table " + table.config().name()
                        + ": give its records (tally test: --table " + table.config().name() + "=FILE)");
            }
            try (TableWrites writes = store.tables().newWrites()) {
                for (int i = 0; i < records.size(); i++) {
                    TableRecord r = records.get(i);
                    StoredTable.Rejection rejected = table.add(writes, r.key(), r.value(), r.time(), false);
                    if (rejected != null) {
                        tableProblems.add("table " + table.config().name() + " record " + (i + 1) + " skipped: " + rejected);
                    }
                }
                store.tables().apply(writes);
            }
        }
        return tables;
    }

    private static void finish(RepartitionSource source, LocalRepartition repartition, WindowOperator task,
                               PaneStore store, long now, BatchSink sink) {
        if (source != null) {
            // One partition, read in full: it is never an empty one to wait for.
            source.endBatch(now, p -> null, p -> false);
            source.drain(repartition);
            source.committed();
        }
        try (StoreBatch writes = store.newBatch()) {
            task.onBatchEnd(store, now, sink, writes);
            store.apply(writes);
            task.onCommit();
        }
    }
}
