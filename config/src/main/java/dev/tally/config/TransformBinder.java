package dev.tally.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads a job's {@code transform:} list; each item is a one-key mapping naming the step. */
final class TransformBinder {
    private static final List<String> STEPS = List.of("split", "lowercase", "compute", "filter", "lookup");

    private TransformBinder() {
    }

    /** @param tables the job's table names, or null when its tables block had a problem */
    static List<TransformStep> bind(Node.Sequence seq, Problems problems, Set<String> tables) {
        List<TransformStep> steps = new ArrayList<>();
        Map<String, String> lookupOutputs = new HashMap<>();
        if (seq == null) {
            return steps;
        }
        for (Node item : seq.items()) {
            if (!(item instanceof Node.Mapping m) || m.entries().size() != 1) {
                problems.add(item, "must be one step such as \"lowercase: word\" (one of " + String.join(", ", STEPS)
                        + "), got " + (item instanceof Node.Mapping m ? "a mapping with " + m.entries().size() + " keys" : item.kind()));
                continue;
            }
            Map.Entry<String, Node> step = m.entries().entrySet().iterator().next();
            TransformStep bound = step(step.getKey(), step.getValue(), m, problems, tables, lookupOutputs);
            if (bound != null) {
                steps.add(bound);
            }
        }
        return steps;
    }

    private static TransformStep step(String type, Node value, Node.Mapping item, Problems problems, Set<String> tables,
                                      Map<String, String> lookupOutputs) {
        // The step's settings sit one level down, so a one-key holder lets Fields read it like a block.
        Fields holder = Fields.of(item, problems);
        return switch (type) {
            case "split" -> split(holder.fields("split"));
            case "lowercase" -> {
                String field = scalarField(holder, "lowercase", "a field name");
                yield field == null ? null : new TransformStep.Lowercase(field);
            }
            case "compute" -> compute(holder.fields("compute"));
            case "lookup" -> TableBinder.lookup(holder.fields("lookup"), tables, lookupOutputs);
            case "filter" -> {
                if (value instanceof Node.Mapping || value instanceof Node.Sequence) {
                    problems.add(value, "must be an expression, got " + value.kind());
                    yield null;
                }
                String expr = JobBinder.expression(holder, "filter");
                yield expr == null ? null : new TransformStep.Filter(expr);
            }
            default -> {
                problems.add(value.path(), "unknown transform step" + Suggest.didYouMean(type, STEPS),
                        item.keyLines().get(type));
                yield null;
            }
        };
    }

    private static String scalarField(Fields holder, String key, String what) {
        Node value = holder.node(key);
        if (value instanceof Node.Mapping || value instanceof Node.Sequence) {
            holder.problems().add(value, "must be " + what + ", got " + value.kind());
            return null;
        }
        return Checks.fieldName(holder, key);
    }

    private static TransformStep split(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly("field", "pattern", "as");
        String field = Checks.fieldName(f, "field");
        String pattern = f.requiredString("pattern");
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                Node.Scalar s = f.scalar("pattern");
                String why = s.fromEnv() ? " (" + s.shown() + ")" : ": " + e.getDescription() + " near index " + e.getIndex();
                f.problems().add(s, "must be a Java regular expression" + why);
                pattern = null;
            }
        }
        String as = f.has("as") ? Checks.fieldName(f, "as") : field;
        return field == null || pattern == null || as == null ? null : new TransformStep.Split(field, pattern, as);
    }

    private static TransformStep compute(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly("field", "expr");
        String field = Checks.fieldName(f, "field");
        String expr = JobBinder.expression(f, "expr");
        return field == null || expr == null ? null : new TransformStep.Compute(field, expr);
    }
}
