package dev.tally.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One step applied to each decoded record, in order, before keying. */
public sealed interface TransformStep {

    /** flatMap: one record per token of {@code field} split by the regex {@code pattern}; the token goes to {@code as}. Empty tokens are dropped. */
    record Split(String field, String pattern, String as) implements TransformStep { }

    /** Lower-cases a string field in place. */
    record Lowercase(String field) implements TransformStep { }

    /** Keeps the record only when the expression is true. */
    record Filter(String expression) implements TransformStep { }

    /** Sets {@code field} to the value of the expression. */
    record Compute(String field, String expression) implements TransformStep { }

    /**
     * Enriches the record from a table: looks up the value of field {@code key} in {@code table}
     * and copies table fields into record fields ({@code fields}: record field -> table field, in order).
     */
    record Lookup(String table, String key, Map<String, String> fields, Missing missing) implements TransformStep {
        public Lookup {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** What a lookup that finds nothing does: dead-letter the record (LOOKUP_MISSING), keep it with nulls, or drop it (counted). */
    enum Missing { DEAD_LETTER, KEEP, DROP }
}
