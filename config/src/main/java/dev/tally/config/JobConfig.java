package dev.tally.config;

import java.util.List;

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
        int threads) {

    /** The job as one processing thread, as before {@code threads} existed (tests, {@code tally test}). */
    public JobConfig(String name, SourceConfig source, List<TransformStep> transform, KeyConfig key, TimeConfig time,
                     WindowConfig window, List<AggregateConfig> aggregates, EmitMode emit, BatchConfig batch,
                     SinkConfig sink, String deadLetterTopic, ErrorPolicy errors, int standbyReplicas) {
        this(name, source, transform, key, time, window, aggregates, emit, batch, sink, deadLetterTopic, errors,
                standbyReplicas, 1);
    }

    public JobConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        transform = List.copyOf(transform);
        aggregates = List.copyOf(aggregates);
    }

    public enum EmitMode { CHANGES, FINAL }

    /** What a bad record does: go to the dead-letter topic and be counted, or stop the job. */
    public enum ErrorPolicy { DEAD_LETTER, FAIL }
}
