package dev.tally.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.regex.Pattern;

/**
 * Where a job's committed results are applied as rows, exactly once: a PostgreSQL table.
 *
 * @param url      a pgJDBC URL; its options (sslmode, sslrootcert, ...) pass to the driver unchanged
 * @param user     null to let the driver decide (the URL's user, or the OS user)
 * @param password null when the server needs none or the URL carries it
 * @param table    {@code name} or {@code schema.name}; the offsets table lives in the same schema
 */
@JsonPropertyOrder({"url", "user", "password", "table"})
public record PostgresSinkConfig(@JsonIgnore String url, String user, @JsonIgnore String password, String table) {
    private static final Pattern URL_SECRET = Pattern.compile("(?i)((?:password|sslpassword)=)[^&]*");

    /** The URL as logs and {@code /jobs} may show it: a password among its options is masked. */
    @JsonProperty("url")
    public String urlForDisplay() {
        return URL_SECRET.matcher(url).replaceAll("$1" + KafkaSecrets.MASK);
    }

    @JsonProperty("password")
    public String passwordForDisplay() {
        return password == null ? null : KafkaSecrets.MASK;
    }

    /** The schema part of {@link #table()}, or null when the name is unqualified (the search_path decides). */
    @JsonIgnore
    public String schema() {
        int dot = table.indexOf('.');
        return dot < 0 ? null : table.substring(0, dot);
    }

    /** The table name without its schema. */
    @JsonIgnore
    public String tableName() {
        return table.substring(table.indexOf('.') + 1);
    }

    @Override
    public String toString() {
        return "PostgresSinkConfig[url=" + urlForDisplay() + ", user=" + user + ", password=" + passwordForDisplay()
                + ", table=" + table + "]";
    }
}
