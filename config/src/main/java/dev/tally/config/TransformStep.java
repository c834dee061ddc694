package dev.tally.config;

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
}
