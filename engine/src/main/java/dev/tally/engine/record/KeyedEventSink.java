package dev.tally.engine.record;

/** Receives every keyed, timed event a record yields after decoding, transforms and filters. */
@FunctionalInterface
public interface KeyedEventSink {

    /**
     * @param key             the grouping key
     * @param eventTime       the event's time in epoch millis, per the job's time mode
     * @param aggregateInputs one value per aggregate of the job, in the job's order (null for count, or a missing optional field)
     */
    void accept(String key, long eventTime, Object[] aggregateInputs);
}
