package dev.tally.config;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a job's {@code sink:} block: its topic and the optional PostgreSQL table that follows it. */
final class SinkBinder {
    /** Lower-case on purpose: names are always quoted in SQL, and quoting an upper-case name makes it case-sensitive. */
    private static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");
    /** Columns every sink table has besides the aggregates ("key" is already refused as an aggregate name). */
    static final Set<String> FIXED_COLUMNS = Set.of("key", "window_start", "window_end", "updated_at");

    private SinkBinder() {
    }

    /** The sink, or null when it is missing (reported) or has a problem (reported). */
    static SinkConfig bind(Fields job, List<AggregateConfig> aggregates) {
        if (!job.has("sink")) {
            job.missing("sink");
            return null;
        }
        Fields f = job.fields("sink");
        if (f == null) {
            return null;
        }
        f.allowOnly("topic", "postgres");
        String topic = Checks.topic(f, "topic");
        PostgresSinkConfig postgres = null;
        if (f.has("postgres")) {
            postgres = postgres(f.fields("postgres"), aggregates);
            if (postgres == null) {
                return null;
            }
        }
        return topic == null ? null : new SinkConfig(topic, postgres);
    }

    private static PostgresSinkConfig postgres(Fields f, List<AggregateConfig> aggregates) {
        if (f == null) {
            return null;
        }
        int before = f.problems().count();
        f.allowOnly("url", "user", "password", "table");
        String url = f.requiredString("url");
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            Node.Scalar s = f.scalar("url");
            f.problems().add(s, "must be a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/db?sslmode=require, got "
                    + (s.fromEnv() ? s.shown() : "\"" + url.replaceAll("(?i)password=[^&]*", "password=******") + "\""));
        }
        String user = f.string("user", null);
        String password = f.string("password", null);
        Node.Scalar p = f.scalar("password");
        if (password != null && p != null && !p.fromEnv()) {
            f.problems().add(p, "must come from the environment, e.g. password: ${PG_PASSWORD}"
                    + " (a password written into the file ends up in version control and logs)");
        }
        String table = f.requiredString("table");
        if (table != null && !TABLE.matcher(table).matches()) {
            Node.Scalar s = f.scalar("table");
            f.problems().add(s, "must be a table name or schema.table in lower-case letters, digits and '_', got " + s.shown());
        }
        if (aggregates != null) {
            for (AggregateConfig a : aggregates) {
                if (FIXED_COLUMNS.contains(a.name())) {
                    f.problems().add(f.path("table"), "the aggregate " + a.name() + " would collide with the table's column "
                            + a.name() + "; rename the aggregate", f.line());
                }
            }
        }
        return f.problems().count() != before ? null : new PostgresSinkConfig(url, user, password, table);
    }
}
