package dev.tally.config;

/**
 * What a record is grouped by. Exactly one of the three is set.
 *
 * @param field      a field name or dotted path of the decoded record
 * @param expression an expression over the record's fields
 * @param recordKey  the Kafka record key as it is: the input topic is already partitioned by the
 *                   grouping key, so no repartition topic is needed
 */
public record KeyConfig(String field, String expression, boolean recordKey) {
    /** True when records must move through the repartition topic to the task owning their key. */
    public boolean needsRepartition() {
        return !recordKey;
    }
}
