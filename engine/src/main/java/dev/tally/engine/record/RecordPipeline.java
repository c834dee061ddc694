package dev.tally.engine.record;

import dev.tally.config.JobConfig;

/**
 * Turns one raw input record into keyed, timed events: decode (json, text, csv), transform
 * (split, lowercase, compute, filter), key, time. Compiled once per job; not thread-safe
 * (one per processing thread).
 */
public interface RecordPipeline {

    static RecordPipeline compile(JobConfig job) {
        throw new UnsupportedOperationException("to be written");
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
