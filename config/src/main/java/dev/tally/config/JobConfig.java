package dev.tally.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One windowed aggregation job: read a topic, key and time its records, fold them into windows, emit. */
public record JobConfig(
        String name,
        SourceConfig source,
        List<TransformStep> transform,
        KeyConfig key,
        TimeConfig time,
        WindowConfig window,
        List<AggregateConfig> aggregates,
        EmitMode emit,
        BatchConfig batch,
        SinkConfig sink,
        String deadLetterTopic,
        ErrorPolicy errors,
        int standbyReplicas,
        int threads,
        Map<String, TableConfig> tables) {

    /** The job without tables, as before lookups existed. */
    public JobConfig(String name, SourceConfig source, List<TransformStep> transform, KeyConfig key, TimeConfig time,
                     WindowConfig window, List<AggregateConfig> aggregates, EmitMode emit, BatchConfig batch,
                     SinkConfig sink, String deadLetterTopic, ErrorPolicy errors, int standbyReplicas, int threads) {
        this(name, source, transform, key, time, window, aggregates, emit, batch, sink, deadLetterTopic, errors,
                standbyReplicas, threads, Map.of());
    }

    /** The job as one processing thread, as before {@code threads} existed (tests, {@code tally test}). */
    public JobConfig(String name, SourceConfig source, List<TransformStep> transform, KeyConfig key, TimeConfig time,
                     WindowConfig window, List<AggregateConfig> aggregates, EmitMode emit, BatchConfig batch,
                     SinkConfig sink, String deadLetterTopic, ErrorPolicy errors, int standbyReplicas) {
        this(name, source, transform, key, time, window, aggregates, emit, batch, sink, deadLetterTopic, errors,
                standbyReplicas, 1, Map.of());
    }

    public JobConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        transform = List.copyOf(transform);
        aggregates = List.copyOf(aggregates);
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables == null ? Map.of() : tables));
    }

    /** The same job with other tables (tests and golden runs rename topics). */
    public JobConfig withTables(Map<String, TableConfig> other) {
        return new JobConfig(name, source, transform, key, time, window, aggregates, emit, batch, sink, deadLetterTopic,
                errors, standbyReplicas, threads, other);
    }

    public enum EmitMode { CHANGES, FINAL }

    /** What a bad record does: go to the dead-letter topic and be counted, or stop the job. */
    public enum ErrorPolicy { DEAD_LETTER, FAIL }
}
