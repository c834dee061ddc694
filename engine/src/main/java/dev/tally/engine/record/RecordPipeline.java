package dev.tally.engine.record;

import dev.tally.config.JobConfig;
import java.util.Map;

/**
 * Turns one raw input record into keyed, timed events: decode (json, text, csv), transform
 * (split, lowercase, compute, filter), key, time. Compiled once per job; not thread-safe
 * (one per processing thread).
 */
public interface RecordPipeline {

    /**
     * Compiles a job's decoding, transforms, key and time into a pipeline. Call once per processing
     * thread (compiling is cheap next to a batch; expressions are parsed each time).
     *
     * @throws IllegalArgumentException if an expression does not compile or uses a refused construct
     *                                  (method calls, {@code new}, assignments, ...), the key does not set
     *                                  exactly one source, event time has no field, or a field the job reads
     *                                  can never be set (text: only {@code line}; csv: the named columns)
     */
    static RecordPipeline compile(JobConfig job) {
        return PipelineCompiler.compile(job, Map.of());
    }

    /**
     * {@link #compile(JobConfig)} for a job with lookups: {@code tables} holds a view of every
     * table its lookups name (by table name).
     *
     * @throws IllegalArgumentException also when a lookup names a table missing from {@code tables},
     *                                  or a field the table view does not hold
     */
    static RecordPipeline compile(JobConfig job, Map<String, TableView> tables) {
        return PipelineCompiler.compile(job, tables);
    }

    /**
     * Processes one record, pushing zero or more events to {@code out}.
     *
     * @param key            the Kafka record key (may be null)
     * @param value          the Kafka record value
     * @param logAppendTime  the Kafka record timestamp (for time mode log-append)
     * @param processingTime the batch time (for time mode processing)
     * @throws BadRecordException if the record cannot be decoded, lacks its key or time, or an expression fails
     */
    void process(byte[] key, byte[] value, long logAppendTime, long processingTime, KeyedEventSink out)
            throws BadRecordException;
}
