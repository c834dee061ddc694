package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.TimeConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** {@code tally test --expected}: windows and dead letters compared with what is expected, differences printed. */
final class WindowDiff {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** count_distinct: HyperLogLog lgK 12 has a relative standard error of about 1.63%; allow three of them. */
    private static final double DISTINCT_RELATIVE_ERROR = 3 * 0.0163;
    /** Fractional results (avg, sums of decimals) may differ in the last bits with the order of merging. */
    private static final double FLOAT_RELATIVE_ERROR = 1e-9;

    private WindowDiff() {
    }

    static List<String> nonBlank(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Compares windows as JSON values, matched by key and start (key alone for global windows),
     * printing what is missing, extra or different. Numbers compare by value; fractional ones
     * within 1e-9 relative; count_distinct within three standard errors of its HyperLogLog; an
     * expected {@code [lo, hi]} where a number is found accepts any number in that range (for
     * quantiles and top_k counts). Processing time: window bounds depend on when records were
     * read, so expected lines carry no bounds and windows are compared as per-key totals.
     */
    static boolean diff(JobConfig job, List<String> actualLines, List<String> expectedLines) throws IOException {
        boolean totals = job.time() == null || job.time().type() == TimeConfig.Type.PROCESSING;
        Map<String, AggregateConfig.Type> types = new HashMap<>();
        job.aggregates().forEach(a -> types.put(a.name(), a.type()));
        Map<String, ObjectNode> got = index(actualLines, totals, types);
        Map<String, ObjectNode> want = index(nonBlank(expectedLines), totals, types);
        boolean same = true;
        for (Map.Entry<String, ObjectNode> w : want.entrySet()) {
            ObjectNode g = got.get(w.getKey());
            if (g == null) {
                System.err.println("missing: " + w.getValue());
                same = false;
            } else if (!matches(w.getValue(), g, types)) {
                System.err.println("differs: expected " + w.getValue() + "\n         got      " + g);
                same = false;
            }
        }
        for (Map.Entry<String, ObjectNode> g : got.entrySet()) {
            if (!want.containsKey(g.getKey())) {
                System.err.println("unexpected: " + g.getValue());
                same = false;
            }
        }
        System.err.println(same ? "tally test: output equals expected" : "tally test: output differs from expected");
        return same;
    }

    private static Map<String, ObjectNode> index(List<String> lines, boolean totals, Map<String, AggregateConfig.Type> types)
            throws IOException {
        Map<String, ObjectNode> byWindow = new LinkedHashMap<>();
        for (String line : lines) {
            if (!(MAPPER.readTree(line) instanceof ObjectNode w)) {
                throw new IOException("not a JSON object: " + line);
            }
            String key = w.path("key").asText();
            if (totals) {
                w.remove(List.of("start", "end", "updated"));
                ObjectNode sum = byWindow.get(key);
                if (sum == null) {
                    byWindow.put(key, w);
                } else {
                    addTotals(sum, w, types);
                }
            } else {
                byWindow.put(key + "\u0000" + w.path("start").asText(), w);
            }
        }
        return byWindow;
    }

    /** Processing time: folds one more window of a key into its totals (count and sum add up, min and max combine). */
    private static void addTotals(ObjectNode into, ObjectNode w, Map<String, AggregateConfig.Type> types) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            AggregateConfig.Type type = types.get(f.getKey());
            if (type == null) {
                continue;
            }
            JsonNode a = into.get(f.getKey());
            JsonNode b = f.getValue();
            switch (type) {
                case COUNT, SUM -> into.put(f.getKey(), a.isIntegralNumber() && b.isIntegralNumber()
                        ? a.longValue() + b.longValue() : a.doubleValue() + b.doubleValue());
                case MIN -> into.set(f.getKey(), a.doubleValue() <= b.doubleValue() ? a : b);
                case MAX -> into.set(f.getKey(), a.doubleValue() >= b.doubleValue() ? a : b);
                default -> throw new IOException("processing time: " + type.name().toLowerCase() + " '" + f.getKey()
                        + "' of key " + w.path("key") + " spans several windows and has no per-key total to compare");
            }
        }
    }

    private static boolean matches(ObjectNode want, ObjectNode got, Map<String, AggregateConfig.Type> types) {
        TreeSet<String> names = new TreeSet<>();
        want.fieldNames().forEachRemaining(names::add);
        got.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode w = want.get(name);
            JsonNode g = got.get(name);
            if (w == null || g == null) {
                return false;
            }
            if (types.get(name) == AggregateConfig.Type.COUNT_DISTINCT && w.isNumber() && g.isNumber()) {
                if (Math.abs(g.doubleValue() - w.doubleValue()) > Math.ceil(DISTINCT_RELATIVE_ERROR * w.doubleValue())) {
                    return false;
                }
            } else if (!same(w, g)) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode w, JsonNode g) {
        if (w.isArray() && w.size() == 2 && w.get(0).isNumber() && w.get(1).isNumber() && g.isNumber()) {
            return w.get(0).doubleValue() <= g.doubleValue() && g.doubleValue() <= w.get(1).doubleValue();
        }
        if (w.isNumber() && g.isNumber()) {
            if (w.isIntegralNumber() && g.isIntegralNumber()) {
                return w.longValue() == g.longValue();
            }
            return Math.abs(w.doubleValue() - g.doubleValue()) <= FLOAT_RELATIVE_ERROR * Math.max(1, Math.abs(w.doubleValue()));
        }
        if (w.isArray() && g.isArray() || w.isObject() && g.isObject()) {
            if (w.size() != g.size()) {
                return false;
            }
            if (w.isArray()) {
                for (int i = 0; i < w.size(); i++) {
                    if (!same(w.get(i), g.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            for (Iterator<String> it = w.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!g.has(f) || !same(w.get(f), g.get(f))) {
                    return false;
                }
            }
            return true;
        }
        return w.equals(g);
    }

    /** Expected dead letters: one "LINE REASON" per line; blank lines and {@code #} comments are skipped. */
    static boolean diffDeadLetters(List<String> actualLines, List<String> expectedLines) {
        List<String> want = expectedLines.stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.replaceAll("\\s+", " ")).toList();
        List<String> missing = new ArrayList<>(want);
        actualLines.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actualLines);
        want.forEach(extra::remove);
        missing.forEach(m -> System.err.println("missing dead letter: line " + m));
        extra.forEach(x -> System.err.println("unexpected dead letter: line " + x));
        boolean same = missing.isEmpty() && extra.isEmpty();
        System.err.println(same ? "tally test: dead letters equal expected" : "tally test: dead letters differ from expected");
        return same;
    }
}
