package dev.tally.service;

import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.TableConfig;
import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import dev.tally.config.WindowConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.engine.batch.JobPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a job does, in words: the text {@code tally explain} prints and each job's dashboard page
 * shows. Derived from the validated config and the same names and rules the job runs with
 * ({@link JobTopics}, {@link JobPlan#retentionMs()}), so it cannot describe another job than the one that runs.
 */
public final class JobExplanation {
    /** Internal topics keep a week of data beyond what the windows need (as JobClients creates them). */
    private static final Duration TOPIC_SLACK = Duration.ofDays(7);

    private JobExplanation() {
    }

    public static String of(JobConfig job) {
        JobPlan plan = new JobPlan(job);
        JobTopics topics = new JobTopics(job.name());
        String src = job.source().topic();
        boolean repartition = job.key().needsRepartition();
        List<String> out = new ArrayList<>();
        out.add("job " + job.name());
        out.add("  reads      topic " + src + " (" + job.source().format().name().toLowerCase(Locale.ROOT)
                + " values), read_committed, consumer group " + topics.groupId() + "; "
                + job.threads() + " processing thread(s) per instance");
        if (!job.transform().isEmpty()) {
            out.add("  transform  " + job.transform().stream().map(JobExplanation::step).collect(Collectors.joining(", then ")));
        }
        for (TableConfig t : job.tables().values()) {
            out.add("  table      " + t.name() + ": every partition of topic " + t.topic() + " (keyed by the lookup key; null value deletes),");
            out.add("             whole in this instance's RocksDB, versions by record time for " + human(t.history())
                    + "; lookups " + (t.asOf() == TableConfig.AsOf.EVENT ? "as of each record's time" : "of the newest row")
                    + "; not ready until loaded to the end offsets seen at start");
        }
        out.add("  key        " + key(job));
        if (repartition) {
            out.add("  repartitions: the grouping key is computed from the value, not the Kafka record key, so each");
            out.add("             batch sends one partial aggregate per (key, pane) to " + topics.repartition());
            out.add("             in its transaction, to the partition owning the key (combined first, not one per record)");
        } else {
            out.add("  no repartition: the input is already partitioned by the grouping key; each source partition is a task");
        }
        out.add("  creates    (when missing; partitions = those of " + src + ")");
        if (repartition) {
            out.add("               " + topics.repartition() + "  cleanup delete, retention " + human(TOPIC_SLACK));
        }
        long retention = plan.retentionMs();
        out.add("               " + topics.changelog() + "  cleanup " + (retention < 0 ? "compact (state lives until its key goes idle)"
                : "compact,delete, retention " + human(TOPIC_SLACK) + " + " + human(Duration.ofMillis(retention))));
        out.add("               " + job.deadLetterTopic() + "  broker defaults (dead letters)");
        out.add("               " + job.sink().topic() + "  broker defaults (output)");
        out.addAll(window(job));
        out.addAll(time(job, plan, repartition));
        out.add("  output     to topic " + job.sink().topic() + ", one JSON value per (key, window), key = the grouping key:");
        out.add("             {\"key\", \"start\", \"end\"" + job.aggregates().stream().map(a -> ", \"" + a.name() + "\"")
                .collect(Collectors.joining()) + "}");
        for (AggregateConfig a : job.aggregates()) {
            out.add("               " + a.name() + " = " + aggregate(a));
        }
        out.add("             emit " + (job.emit() == JobConfig.EmitMode.FINAL
                ? "final: each window once, when it closes"
                : "changes: every window whose value changed in a batch, each batch (the last value per window is the result)"));
        out.add("  state      RocksDB under state.dir/" + job.name() + ", a cache of " + topics.changelog()
                + " (restored from it on start)");
        out.add("             kept " + (retention < 0 ? "until a key's idle timeout" : "for size + grace = "
                + human(Duration.ofMillis(retention)) + " after its last pane's time; derived, not a setting"));
        out.add("  batches    every " + human(job.batch().interval()) + " or " + job.batch().maxRecords()
                + " records: one Kafka transaction (output, dead letters, changelog" + (repartition ? ", repartition" : "")
                + ", input offsets)");
        out.add("  bad input  " + (job.errors() == JobConfig.ErrorPolicy.FAIL ? "stops the job (errors: fail)"
                : "to " + job.deadLetterTopic() + " with its reason in headers, in the same transaction"));
        return String.join("\n", out) + "\n";
    }

    private static String step(TransformStep s) {
        if (s instanceof TransformStep.Split x) {
            return "split " + x.field() + " on /" + x.pattern() + "/ into " + x.as();
        }
        if (s instanceof TransformStep.Lowercase x) {
            return "lowercase " + x.field();
        }
        if (s instanceof TransformStep.Filter x) {
            return "keep if " + x.expression();
        }
        if (s instanceof TransformStep.Lookup x) {
            return "look " + x.key() + " up in table " + x.table() + " (" + x.fields().entrySet().stream()
                    .map(f -> f.getKey() + " = " + f.getValue()).collect(Collectors.joining(", ")) + "; no row: "
                    + x.missing().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
        }
        TransformStep.Compute x = (TransformStep.Compute) s;
        return x.field() + " = " + x.expression();
    }

    private static String key(JobConfig job) {
        if (job.key().recordKey()) {
            return "the Kafka record key";
        }
        return job.key().field() != null ? "field " + job.key().field() : "expression " + job.key().expression();
    }

    private static List<String> window(JobConfig job) {
        WindowConfig w = job.window();
        return switch (w.type()) {
            case TUMBLING -> List.of("  window     tumbling " + human(w.size()) + " (one pane per window)");
            case HOPPING -> {
                long pane = gcd(w.size().toMillis(), w.slide().toMillis());
                yield List.of("  window     hopping, size " + human(w.size()) + ", slide " + human(w.slide())
                        + ": panes of " + human(Duration.ofMillis(pane)) + " (gcd), a record updates one pane,",
                        "             a window is the merge of its " + (w.size().toMillis() / pane) + " panes");
            }
            case SESSION -> List.of("  window     session, gap " + human(w.gap()) + ": a key's session ends after that long without records");
            case GLOBAL -> List.of("  window     global: a running value per key" + (w.idleTimeout() == null ? ", kept forever"
                    : ", dropped (tombstone emitted) after " + human(w.idleTimeout()) + " untouched"));
        };
    }

    private static List<String> time(JobConfig job, JobPlan plan, boolean repartition) {
        TimeConfig t = job.time();
        TimeConfig.Type type = t == null ? TimeConfig.Type.PROCESSING : t.type();
        Duration grace = t == null || t.grace() == null ? Duration.ZERO : t.grace();
        Duration idle = t == null ? null : t.idleTimeout();
        List<String> out = new ArrayList<>();
        String dlq = job.errors() == JobConfig.ErrorPolicy.FAIL ? "stops the job" : "goes to " + job.deadLetterTopic()
                + " (reason LATE) and counts in tally_records_late_total";
        if (type == TimeConfig.Type.PROCESSING) {
            Duration lag = Duration.ofMillis(Math.max(grace.toMillis(), 2 * job.batch().interval().toMillis()));
            out.add("  time       processing time: a record belongs to the batch's wall-clock time; every task's watermark");
            out.add("             follows the wall clock minus max(grace, 2 x batch interval) = " + human(lag)
                    + ", so a window closes that long after its end");
            if (repartition) {
                out.add("             (partials crossing " + new JobTopics(job.name()).repartition() + " take up to one batch; none is late)");
            }
            return out;
        }
        out.add("  time       " + (type == TimeConfig.Type.EVENT ? "event time from field " + t.field()
                + (t.format() == null ? "" : " (" + t.format().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")")
                : "log-append time (the Kafka record timestamp)") + "; per source partition, stream time = the largest");
        out.add("             time seen, watermark = stream time - grace (" + human(grace) + "); a window closes when the watermark passes its end");
        if (repartition) {
            out.add("             a task of " + new JobTopics(job.name()).repartition() + " closes windows at the minimum of the");
            out.add("             watermarks of ALL source partitions, carried through the repartition topic in each batch's transaction;");
            out.add("             lateness is judged at the source, on the input record, against its own partition's watermark,");
            out.add("             so a partial that left on time is never late downstream and a dead letter is a readable input record");
            out.add("             idle or empty source partitions leave the minimum: an idle one moves its watermark up to the");
            out.add("             slowest partition that is not idle; a partition that never had a record does so as soon as");
            out.add("             its reader has caught up with it (nothing to wait for)" + (idle == null
                    ? "; without time.idle-timeout a partition that had records and went quiet\n             holds the minimum (and every window) back"
                    : ", and any partition after time.idle-timeout = " + human(idle) + " without records"));
        } else {
            out.add("             " + (idle == null ? "no time.idle-timeout: a quiet partition's last windows stay open until it gets records"
                    : "a partition quiet for time.idle-timeout = " + human(idle) + " has its time advanced by the wall clock"));
        }
        out.add("  lateness   a record whose windows have all closed " + dlq);
        return out;
    }

    private static String aggregate(AggregateConfig a) {
        String field = a.field() == null ? "" : "(" + a.field() + ")";
        return switch (a.type()) {
            case COUNT -> "count";
            case COUNT_DISTINCT -> "count_distinct" + field + ", a HyperLogLog estimate";
            case QUANTILES -> "quantiles" + field + " at " + a.quantiles() + ", a KLL sketch estimate";
            case TOP_K -> "top_k" + field + ", the " + a.k() + " most frequent items (frequent-items sketch)";
            default -> a.type().name().toLowerCase(Locale.ROOT) + field;
        };
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** 30s, 5m, 1h30m, 250ms: as a user writes durations in the YAML. */
    static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 86_400) {
            b.append(s / 86_400).append('d');
            s %= 86_400;
        }
        if (s >= 3_600) {
            b.append(s / 3_600).append('h');
            s %= 3_600;
        }
        if (s >= 60) {
            b.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        return b.toString();
    }
}
