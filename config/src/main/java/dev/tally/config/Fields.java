package dev.tally.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Typed reads of one YAML mapping that report what is wrong instead of throwing. A getter returns
 * null when the value is missing-and-required or invalid (a problem was recorded), so binders
 * carry on and find the file's other problems; a job whose reading added a problem is not built.
 */
final class Fields {
    private final Node.Mapping map;
    private final Problems problems;

    private Fields(Node.Mapping map, Problems problems) {
        this.map = map;
        this.problems = problems;
    }

    /** The mapping at {@code node}, or null (with a problem) when it is something else. */
    static Fields of(Node node, Problems problems) {
        if (node instanceof Node.Mapping m) {
            return new Fields(m, problems);
        }
        if (!isBroken(node)) {
            problems.add(node, "must be a mapping, got " + node.kind());
        }
        return null;
    }

    static Fields ofEmpty(String path, int line, Problems problems) {
        return new Fields(new Node.Mapping(path, line, Map.of(), Map.of()), problems);
    }

    Node.Mapping mapping() {
        return map;
    }

    Problems problems() {
        return problems;
    }

    String path() {
        return map.path();
    }

    String path(String key) {
        return map.path().isEmpty() ? key : map.path() + "." + key;
    }

    int line() {
        return map.line();
    }

    boolean has(String key) {
        return map.entries().containsKey(key);
    }

    Node node(String key) {
        return map.entries().get(key);
    }

    /** Reports every key not in {@code known}, suggesting the closest known one when it is near. */
    void allowOnly(String... known) {
        allowOnly(key -> false, known);
    }

    /** {@link #allowOnly(String...)}, also accepting the keys {@code extra} accepts. */
    void allowOnly(Predicate<String> extra, String... known) {
        for (Map.Entry<String, Integer> e : map.keyLines().entrySet()) {
            if (!Arrays.asList(known).contains(e.getKey()) && !extra.test(e.getKey())) {
                problems.add(path(e.getKey()), "unknown key" + Suggest.didYouMean(e.getKey(), List.of(known)), e.getValue());
            }
        }
    }

    /** Reports {@code key} as not allowed here, e.g. {@code slide} in a tumbling window. */
    void forbid(String key, String because) {
        Integer line = map.keyLines().get(key);
        if (line != null) {
            problems.add(path(key), because, line);
        }
    }

    void missing(String key) {
        problems.add(path(key), "is required", line());
    }

    /** The scalar under {@code key}; null when absent or YAML null; reports non-scalars. */
    Node.Scalar scalar(String key) {
        Node n = node(key);
        if (n == null) {
            return null;
        }
        if (n instanceof Node.Scalar s) {
            return s.isNull() || s.broken() ? null : s;
        }
        problems.add(n, "must be a single value, got " + n.kind());
        return null;
    }

    /** Absent, null, or interpolation already failed: nothing more to say about the value. */
    private boolean absentOrBroken(String key) {
        Node n = node(key);
        return n == null || isBroken(n) || n instanceof Node.Scalar s && s.isNull();
    }

    private static boolean isBroken(Node n) {
        return n instanceof Node.Scalar s && s.broken();
    }

    /** An optional string: {@code dflt} when absent or YAML null. */
    String string(String key, String dflt) {
        Node n = node(key);
        if (n == null || n instanceof Node.Scalar ns && ns.isNull()) {
            return dflt;
        }
        Node.Scalar s = scalar(key);
        return s == null ? null : s.text();
    }

    /** A required, non-blank string. */
    String requiredString(String key) {
        if (absentOrBroken(key)) {
            if (!(node(key) instanceof Node.Scalar s && s.broken())) {
                missing(key);
            }
            return null;
        }
        Node.Scalar s = scalar(key);
        if (s != null && s.text().isBlank()) {
            problems.add(s, "must not be empty");
            return null;
        }
        return s == null ? null : s.text();
    }

    Duration duration(String key, Duration dflt) {
        return present(key, dflt, s -> {
            Duration d = Durations.parse(s.text());
            if (d == null) {
                problems.add(s, "must be a duration like 30s, 5m or 1h, got " + s.shown());
            }
            return d;
        });
    }

    Integer integer(String key, int dflt, int min, int max) {
        return present(key, dflt, s -> integer(s, min, max));
    }

    private Integer integer(Node.Scalar s, int min, int max) {
        long value;
        try {
            value = Long.parseLong(s.text().strip());
        } catch (NumberFormatException notANumber) {
            problems.add(s, "must be an integer, got " + s.shown());
            return null;
        }
        if (value < min || value > max) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            problems.add(s, "must be " + range + ", got " + (s.fromEnv() ? s.shown() : String.valueOf(value)));
            return null;
        }
        return (int) value;
    }

    Boolean bool(String key, boolean dflt) {
        return present(key, dflt, this::bool);
    }

    private Boolean bool(Node.Scalar s) {
        String text = s.text().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        problems.add(s, "must be true or false, got " + s.shown());
        return null;
    }

    /** One of the enum's constants, written lower-case with '-' for '_' (log-append -> LOG_APPEND). */
    <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) {
        return present(key, dflt, s -> choice(s, type));
    }

    private <E extends Enum<E>> E choice(Node.Scalar s, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Fields::kebab).toList();
        int i = names.indexOf(s.text().strip());
        if (i >= 0) {
            return type.getEnumConstants()[i];
        }
        String hint = s.fromEnv() ? "" : Suggest.didYouMean(s.text(), names);
        problems.add(s, "must be one of " + String.join(", ", names) + ", got " + s.shown() + hint);
        return null;
    }

    static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The mapping under {@code key}, or null when absent (nothing reported) or not a mapping (reported). */
    Fields fields(String key) {
        Node n = node(key);
        return n == null ? null : of(n, problems);
    }

    /** The list under {@code key}, or null when absent (nothing reported) or not a list (reported). */
    Node.Sequence sequence(String key) {
        Node n = node(key);
        if (n == null || n instanceof Node.Sequence) {
            return (Node.Sequence) n;
        }
        if (!isBroken(n)) {
            problems.add(n, "must be a list, got " + n.kind());
        }
        return null;
    }

    /**
     * The typed value of a scalar: {@code dflt} when the key is absent, null (reported) when it has
     * no value; otherwise what {@code parse} makes of it (null when it reported a problem).
     */
    private <T> T present(String key, T dflt, java.util.function.Function<Node.Scalar, T> parse) {
        if (node(key) == null) {
            return dflt;
        }
        Node.Scalar s = scalar(key);
        if (s == null) {
            reportNullAsMissing(key);
            return null;
        }
        return parse.apply(s);
    }

    // `key:` with nothing after it, or interpolation already reported: say it once, or not at all.
    private void reportNullAsMissing(String key) {
        if (node(key) instanceof Node.Scalar s && s.isNull()) {
            problems.add(s, "must have a value");
        }
    }
}
