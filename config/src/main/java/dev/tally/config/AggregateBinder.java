package dev.tally.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a job's {@code aggregates:} mapping: output name to {@code count} or {@code {TYPE: FIELD}},
 * with {@code ranks} for quantiles and {@code k} for top_k.
 */
final class AggregateBinder {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    // The sink's JSON value carries these beside the aggregates.
    private static final Set<String> RESERVED = Set.of("key", "start", "end");
    private static final List<String> TYPES = Arrays.stream(AggregateConfig.Type.values())
            .map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
    private static final List<Double> DEFAULT_RANKS = List.of(0.5, 0.95, 0.99);
    private static final int DEFAULT_K = 10;

    private AggregateBinder() {
    }

    static List<AggregateConfig> bind(Fields job) {
        Problems problems = job.problems();
        List<AggregateConfig> out = new ArrayList<>();
        Fields f = job.fields("aggregates");
        if (f == null) {
            if (!job.has("aggregates")) {
                job.missing("aggregates");
            }
            return out;
        }
        if (f.mapping().entries().isEmpty()) {
            problems.add(f.mapping(), "must name at least one aggregate, e.g. count: count");
            return out;
        }
        for (Map.Entry<String, Node> e : f.mapping().entries().entrySet()) {
            String name = e.getKey();
            int keyLine = f.mapping().keyLines().get(name);
            if (!NAME.matcher(name).matches()) {
                problems.add(f.path(name), "aggregate names must be lower-case letters, digits and '_',"
                        + " starting with a letter or '_'", keyLine);
            } else if (RESERVED.contains(name)) {
                problems.add(f.path(name), "\"" + name + "\" is reserved for the window's " + name
                        + " in the output; choose another name", keyLine);
            }
            AggregateConfig a = aggregate(name, e.getValue(), problems);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private static AggregateConfig aggregate(String name, Node spec, Problems problems) {
        if (spec instanceof Node.Scalar s) {
            if (s.broken()) {
                return null;
            }
            if ("count".equals(s.text())) {
                return new AggregateConfig(name, AggregateConfig.Type.COUNT, null, List.of(), 0);
            }
            String given = s.isNull() ? "" : s.text();
            if (TYPES.contains(given)) {
                problems.add(s, given + " needs a field: write { " + given + ": FIELD }");
            } else {
                String hint = s.fromEnv() ? "" : Suggest.didYouMean(given, TYPES);
                problems.add(s, "must be count or a mapping like { sum: FIELD }, got " + s.shown() + hint);
            }
            return null;
        }
        Fields f = Fields.of(spec, problems);
        if (f == null) {
            return null;
        }
        List<String> allowed = new ArrayList<>(TYPES);
        allowed.add("ranks");
        allowed.add("k");
        f.allowOnly(allowed.toArray(String[]::new));
        List<String> types = f.mapping().entries().keySet().stream().filter(TYPES::contains).toList();
        boolean unknownKeysOnly = types.isEmpty() && f.mapping().entries().keySet().stream().noneMatch(allowed::contains);
        if (types.size() != 1 && !unknownKeysOnly) {
            problems.add(spec, "must name exactly one aggregate type (" + String.join(", ", TYPES) + ")"
                    + (types.isEmpty() ? "" : ", got " + String.join(" and ", types)));
        }
        if (types.size() != 1) {
            return null;
        }
        String typeName = types.get(0);
        AggregateConfig.Type type = AggregateConfig.Type.valueOf(typeName.toUpperCase(Locale.ROOT));
        if (type != AggregateConfig.Type.QUANTILES) {
            f.forbid("ranks", "only allowed with quantiles");
        }
        if (type != AggregateConfig.Type.TOP_K) {
            f.forbid("k", "only allowed with top_k");
        }
        if (type == AggregateConfig.Type.COUNT) {
            problems.add(f.node("count"), "count takes no field; write " + name + ": count");
            return null;
        }
        String field = Checks.fieldName(f, typeName);
        List<Double> ranks = type == AggregateConfig.Type.QUANTILES ? ranks(f) : List.of();
        Integer k = type == AggregateConfig.Type.TOP_K ? f.integer("k", DEFAULT_K, 1, Integer.MAX_VALUE) : Integer.valueOf(0);
        if (field == null || ranks == null || k == null) {
            return null;
        }
        return new AggregateConfig(name, type, field, ranks, k);
    }

    private static List<Double> ranks(Fields f) {
        if (!f.has("ranks")) {
            return DEFAULT_RANKS;
        }
        Node.Sequence seq = f.sequence("ranks");
        if (seq == null) {
            return null;
        }
        if (seq.items().isEmpty()) {
            f.problems().add(seq, "must list at least one rank, e.g. [0.5, 0.99]");
            return null;
        }
        List<Double> ranks = new ArrayList<>();
        boolean ok = true;
        for (Node item : seq.items()) {
            Double rank = rank(item);
            if (item instanceof Node.Scalar s && s.broken()) {
                ok = false;
            } else if (rank == null) {
                f.problems().add(item, "must be a number between 0 and 1 (exclusive), got "
                        + (item instanceof Node.Scalar s ? s.shown() : item.kind()));
                ok = false;
            } else if (ranks.contains(rank)) {
                f.problems().add(item, "duplicate rank " + ((Node.Scalar) item).shown());
                ok = false;
            } else {
                ranks.add(rank);
            }
        }
        return ok ? ranks : null;
    }

    private static Double rank(Node item) {
        if (!(item instanceof Node.Scalar s) || s.isNull() || s.broken()) {
            return null;
        }
        try {
            double r = Double.parseDouble(s.text().strip());
            return r > 0 && r < 1 ? r : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
