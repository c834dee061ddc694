package dev.tally.config;

import java.util.List;
import java.util.Map;

/**
 * The configuration file as a tree that remembers, for every value, its YAML path, its line and
 * whether it came from the environment. Built by {@link YamlTree}; read by the binders.
 */
sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {

    String path();

    /** 1-based; for a mapping or sequence under a key, the key's line, so "is required" points at the block. */
    int line();

    /** What a message may say about this value's kind. */
    String kind();

    /**
     * @param text    the value after interpolation; null for a YAML null ({@code key:}, {@code ~}, {@code null})
     * @param envVars the variables interpolated into it, e.g. {@code ${KAFKA_PASSWORD}}; empty when none.
     *                A value with any is a secret: messages name the variables and never show the value
     * @param broken  interpolation failed and was already reported: the value must be skipped, not judged
     */
    record Scalar(String path, int line, String text, List<String> envVars, boolean broken) implements Node {
        boolean isNull() {
            return text == null;
        }

        boolean fromEnv() {
            return !envVars.isEmpty();
        }

        /** How a message shows this value: quoted, or only where it came from when it is a secret. */
        String shown() {
            if (fromEnv()) {
                return "a value from " + String.join(" and ", envVars);
            }
            return text == null ? "null" : '"' + text + '"';
        }

        @Override
        public String kind() {
            return isNull() ? "null" : "a scalar";
        }
    }

    /** Keys in file order; {@code keyLines} holds the line of each key. */
    record Mapping(String path, int line, Map<String, Node> entries, Map<String, Integer> keyLines) implements Node {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Sequence(String path, int line, List<Node> items) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }
}
