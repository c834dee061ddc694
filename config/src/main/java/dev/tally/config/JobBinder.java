package dev.tally.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads one job mapping into a {@link JobConfig}, reporting every problem in it. */
final class JobBinder {
    private static final String[] KEYS = {"name", "source", "transform", "key", "time", "window", "aggregates",
        "emit", "batch", "sink", "dead-letter", "errors", "standby-replicas",
        "threads", "tables"};
    /** More processing threads than this is a typo, not a machine: 1024 partitions on one process. */
    private static final int MAX_THREADS = 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final TimeConfig DEFAULT_TIME =
            new TimeConfig(TimeConfig.Type.PROCESSING, null, null, Duration.ZERO, null);
    private static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofSeconds(1);
    private static final int DEFAULT_BATCH_RECORDS = 200_000;

    private JobBinder() {
    }

    /** The job, or null when it has a problem (each one reported). */
    static JobConfig bind(Node node, Problems problems) {
        Fields f = Fields.of(node, problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        f.allowOnly(KEYS);
        String name = name(f);
        SourceConfig source = source(f);
        Map<String, TableConfig> tables = TableBinder.bind(f);
        List<TransformStep> transform = TransformBinder.bind(f.sequence("transform"), problems,
                tables == null ? null : tables.keySet());
        KeyConfig key = key(f);
        TimeConfig time = time(f);
        WindowConfig window = WindowBinder.bind(f);
        List<AggregateConfig> aggregates = AggregateBinder.bind(f);
        JobConfig.EmitMode emit = f.choice("emit", JobConfig.EmitMode.class, JobConfig.EmitMode.CHANGES);
        if (emit == JobConfig.EmitMode.FINAL && window != null && window.type() == WindowConfig.Type.GLOBAL) {
            problems.add(f.node("emit"), "final needs windows that end; global windows never do, use changes");
        }
        BatchConfig batch = batch(f);
        SinkConfig sink = SinkBinder.bind(f, aggregates);
        String deadLetter = topicBlock(f, "dead-letter", false, name == null ? null : name + "-dead-letter");
        JobConfig.ErrorPolicy errors = f.choice("errors", JobConfig.ErrorPolicy.class, JobConfig.ErrorPolicy.DEAD_LETTER);
        Integer standbys = f.integer("standby-replicas", 0, 0, Integer.MAX_VALUE);
        Integer threads = f.integer("threads", 1, 1, MAX_THREADS);
        if (source != null && sink != null && source.topic().equals(sink.topic())) {
            problems.add(f.node("sink"), "topic must differ from source.topic: a job must not read its own output");
        }
        TableBinder.checkNotOwnOutput(f, tables, sink == null ? null : sink.topic());
        if (problems.count() != before) {
            return null;
        }
        return new JobConfig(name, source, transform, key, time, window, aggregates, emit, batch,
                sink, deadLetter, errors, standbys, threads, tables);
    }

    private static String name(Fields f) {
        String name = f.requiredString("name");
        if (name != null && !NAME.matcher(name).matches()) {
            Node.Scalar s = f.scalar("name");
            f.problems().add(s, "must be lower-case letters, digits, '-' and '_', starting with a letter or digit"
                    + " (it is part of topic names), got " + s.shown());
            return null;
        }
        return name;
    }

    private static SourceConfig source(Fields job) {
        Fields f = job.fields("source");
        if (f == null) {
            if (!job.has("source")) {
                job.missing("source");
            }
            return null;
        }
        f.allowOnly("topic", "format", "csv");
        String topic = Checks.topic(f, "topic");
        SourceConfig.Format format = null;
        if (f.has("format")) {
            format = f.choice("format", SourceConfig.Format.class, null);
        } else {
            f.missing("format");
        }
        List<String> columns = List.of();
        char delimiter = ',';
        Fields csv = f.fields("csv");
        if (csv != null && format != null && format != SourceConfig.Format.CSV) {
            f.forbid("csv", "only allowed when format is csv");
        } else if (csv != null) {
            csv.allowOnly("columns", "delimiter");
            columns = csvColumns(csv);
            String d = csv.string("delimiter", ",");
            if (d != null && d.length() != 1) {
                Node.Scalar s = csv.scalar("delimiter");
                csv.problems().add(s, "must be a single character, got " + s.shown());
            } else if (d != null) {
                delimiter = d.charAt(0);
            }
        }
        return topic == null || format == null ? null : new SourceConfig(topic, format, columns, delimiter);
    }

    private static List<String> csvColumns(Fields csv) {
        Node.Sequence seq = csv.sequence("columns");
        List<String> columns = new ArrayList<>();
        if (seq == null) {
            return columns;
        }
        for (Node item : seq.items()) {
            if (!(item instanceof Node.Scalar s) || s.isNull() || s.text().isBlank()) {
                csv.problems().add(item, "must be a column name");
            } else if (columns.contains(s.text())) {
                csv.problems().add(item, "duplicate column " + s.shown());
            } else if (!s.broken()) {
                columns.add(s.text());
            }
        }
        return columns;
    }

    private static KeyConfig key(Fields job) {
        Node node = job.node("key");
        if (node == null || node instanceof Node.Scalar s && s.isNull()) {
            job.missing("key");
            return null;
        }
        if (node instanceof Node.Scalar s) {
            String field = s.broken() ? null : Checks.fieldName(s, job.problems());
            return field == null ? null : new KeyConfig(field, null, false);
        }
        Fields f = Fields.of(node, job.problems());
        if (f == null) {
            return null;
        }
        f.allowOnly("expr", "record-key");
        if (f.has("expr") == f.has("record-key")) {
            job.problems().add(node, "set exactly one of expr or record-key (or write a field name)");
            return null;
        }
        if (f.has("expr")) {
            String expr = expression(f, "expr");
            return expr == null ? null : new KeyConfig(null, expr, false);
        }
        Boolean recordKey = f.bool("record-key", false);
        if (Boolean.FALSE.equals(recordKey)) {
            job.problems().add(f.node("record-key"), "must be true; to key by a field, write key: FIELD");
        }
        return Boolean.TRUE.equals(recordKey) ? new KeyConfig(null, null, true) : null;
    }

    /** The required expression under {@code key}, checked to parse. */
    static String expression(Fields f, String key) {
        String expr = f.requiredString(key);
        if (expr == null) {
            return null;
        }
        Node.Scalar s = f.scalar(key);
        String error = Expressions.check(expr, s.fromEnv() ? s.shown() : null);
        if (error != null) {
            f.problems().add(s, error);
            return null;
        }
        return expr;
    }

    private static TimeConfig time(Fields job) {
        if (!job.has("time")) {
            return DEFAULT_TIME;
        }
        Fields f = job.fields("time");
        if (f == null) {
            return null;
        }
        f.allowOnly("type", "field", "format", "grace", "idle-timeout");
        TimeConfig.Type type = f.choice("type", TimeConfig.Type.class, TimeConfig.Type.PROCESSING);
        String field = null;
        TimeConfig.Format format = null;
        if (type == TimeConfig.Type.EVENT) {
            field = Checks.fieldName(f, "field");
            format = f.choice("format", TimeConfig.Format.class, TimeConfig.Format.EPOCH_MILLIS);
        } else if (type != null) {
            f.forbid("field", "only allowed when type is event");
            f.forbid("format", "only allowed when type is event");
        }
        Duration grace = f.duration("grace", Duration.ZERO);
        Duration idle = WindowBinder.positive(f, "idle-timeout", false);
        return type == null ? null : new TimeConfig(type, field, format, grace, idle);
    }

    private static BatchConfig batch(Fields job) {
        Fields f = job.fields("batch");
        if (f == null) {
            return new BatchConfig(DEFAULT_BATCH_INTERVAL, DEFAULT_BATCH_RECORDS);
        }
        f.allowOnly("interval", "max-records");
        Duration interval = f.has("interval") ? WindowBinder.positive(f, "interval", true) : DEFAULT_BATCH_INTERVAL;
        Integer maxRecords = f.integer("max-records", DEFAULT_BATCH_RECORDS, 1, Integer.MAX_VALUE);
        return interval == null || maxRecords == null ? null : new BatchConfig(interval, maxRecords);
    }

    /** {@code sink: { topic: ... }} and the like; {@code dflt} when absent and not required. */
    private static String topicBlock(Fields job, String key, boolean required, String dflt) {
        if (!job.has(key)) {
            if (required) {
                job.missing(key);
            }
            return dflt;
        }
        Fields f = job.fields(key);
        if (f == null) {
            return null;
        }
        f.allowOnly("topic");
        return Checks.topic(f, "topic");
    }
}
