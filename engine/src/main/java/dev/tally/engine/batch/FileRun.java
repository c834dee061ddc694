package dev.tally.engine.batch;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import dev.tally.state.StoreBatch;

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

    public FileRun(JobConfig job) {
        this.job = job;
        this.plan = new JobPlan(job);
        this.json = new WindowJson(plan);
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
        RecordPipeline pipeline = RecordPipeline.compile(job);
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
