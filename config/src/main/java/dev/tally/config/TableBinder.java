package dev.tally.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a job's {@code tables:} mapping (name -> table) and its {@code lookup:} transform steps. */
final class TableBinder {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private TableBinder() {
    }

    /** The job's tables by name; empty when absent; null when the block is not a mapping (reported). */
    static Map<String, TableConfig> bind(Fields job) {
        Map<String, TableConfig> tables = new LinkedHashMap<>();
        if (!job.has("tables")) {
            return tables;
        }
        Fields f = job.fields("tables");
        if (f == null) {
            return null;
        }
        for (Map.Entry<String, Node> e : f.mapping().entries().entrySet()) {
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                f.problems().add(f.path(name), "table names must be lower-case letters, digits, '-' and '_',"
                        + " starting with a letter or digit", f.mapping().keyLines().get(name));
                continue;
            }
            TableConfig table = table(name, Fields.of(e.getValue(), f.problems()));
            if (table != null) {
                tables.put(name, table);
            }
        }
        return tables;
    }

    private static TableConfig table(String name, Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly("topic", "format", "history", "as-of");
        String topic = Checks.topic(f, "topic");
        SourceConfig.Format format = SourceConfig.Format.JSON;
        if (f.has("format")) {
            format = f.choice("format", SourceConfig.Format.class, SourceConfig.Format.JSON);
            if (format != null && format != SourceConfig.Format.JSON) {
                f.problems().add(f.node("format"), "tables are json for now: a table value needs named fields");
                format = null;
            }
        }
        Duration history = f.has("history") ? WindowBinder.positive(f, "history", true) : TableConfig.DEFAULT_HISTORY;
        TableConfig.AsOf asOf = f.choice("as-of", TableConfig.AsOf.class, TableConfig.AsOf.EVENT);
        return topic == null || format == null || history == null || asOf == null
                ? null : new TableConfig(name, topic, format, history, asOf);
    }

    /** A table must not be the job's own sink: its output would feed its own lookups. */
    static void checkNotOwnOutput(Fields job, Map<String, TableConfig> tables, String sink) {
        if (tables == null || sink == null || !(job.node("tables") instanceof Node.Mapping m)) {
            return;
        }
        for (TableConfig t : tables.values()) {
            if (t.topic().equals(sink) && m.entries().get(t.name()) instanceof Node.Mapping table
                    && table.entries().get("topic") instanceof Node.Scalar topic) {
                job.problems().add(topic, "must differ from sink.topic: a job must not look up its own output");
            }
        }
    }

    /**
     * One {@code lookup:} step. {@code tables} is null when the job's tables had a problem (the step
     * is then not judged against them); {@code outputs} maps each field an earlier lookup wrote to
     * where, so two lookups never write the same field.
     */
    static TransformStep lookup(Fields f, Set<String> tables, Map<String, String> outputs) {
        if (f == null) {
            return null;
        }
        f.allowOnly("table", "key", "fields", "missing");
        String table = f.requiredString("table");
        if (table != null && tables != null && !tables.contains(table)) {
            String declared = tables.isEmpty() ? "the job declares no tables: add tables: { " + table + ": { topic: ... } }"
                    : "declared: " + String.join(", ", tables) + Suggest.didYouMean(table, tables.stream().toList());
            f.problems().add(f.scalar("table"), "names no table of this job (" + declared + ")");
            table = null;
        }
        String key = Checks.fieldName(f, "key");
        Map<String, String> fields = fields(f, key, outputs);
        TransformStep.Missing missing = f.choice("missing", TransformStep.Missing.class, TransformStep.Missing.DEAD_LETTER);
        return table == null || key == null || fields == null || missing == null
                ? null : new TransformStep.Lookup(table, key, fields, missing);
    }

    private static Map<String, String> fields(Fields lookup, String key, Map<String, String> outputs) {
        if (!lookup.has("fields")) {
            lookup.missing("fields");
            return null;
        }
        Fields f = lookup.fields("fields");
        if (f == null) {
            return null;
        }
        if (f.mapping().entries().isEmpty()) {
            f.problems().add(f.path(), "must name at least one field to copy: { OUT: TABLE_FIELD }", f.line());
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean ok = true;
        for (String target : f.mapping().entries().keySet()) {
            int line = f.mapping().keyLines().get(target);
            String tableField = Checks.fieldName(f, target);
            if (!target.matches("[^.\\s]+")) {
                f.problems().add(f.path(target), "must be a plain field name (no dots or blanks)", line);
                ok = false;
            } else if (target.equals(key)) {
                f.problems().add(f.path(target), "would overwrite the lookup's own key field '" + key + "'", line);
                ok = false;
            } else if (outputs.containsKey(target)) {
                f.problems().add(f.path(target), "is already written by " + outputs.get(target), line);
                ok = false;
            } else if (tableField != null) {
                outputs.put(target, f.path() + " at line " + line);
                out.put(target, tableField);
            } else {
                ok = false;
            }
        }
        return ok ? out : null;
    }
}
