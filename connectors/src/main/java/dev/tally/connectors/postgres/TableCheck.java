package dev.tally.connectors.postgres;

import dev.tally.config.JobConfig;
import dev.tally.config.PostgresSinkConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code tally validate --connect} says about a job's table, changing nothing: whether the
 * database is reachable, what {@code tally run} will create or add by itself, and what only a
 * person can fix, with the statement to run.
 *
 * @param lines   one finding per line, statements included
 * @param blocked true when the sink would stop: the database is unreachable or a column's type does not fit
 */
public record TableCheck(List<String> lines, boolean blocked) {

    public static TableCheck of(JobConfig job) {
        PostgresSinkConfig pg = job.sink().postgres();
        SinkTable table = new SinkTable(job);
        List<String> lines = new ArrayList<>();
        Properties p = new Properties();
        if (pg.user() != null) {
            p.setProperty("user", pg.user());
        }
        if (pg.password() != null) {
            p.setProperty("password", pg.password());
        }
        p.setProperty("connectTimeout", "10");
        try (Connection c = DriverManager.getConnection(pg.url(), p)) {
            Map<String, String> existing;
            try {
                existing = table.existingColumns(c);
            } catch (SQLException missing) {
                lines.add("table " + table.name() + " does not exist; tally run creates it:");
                lines.add(table.createTable() + ";");
                return new TableCheck(lines, false);
            }
            boolean blocked = false;
            for (SinkTable.Column col : table.columns()) {
                String found = existing.get(col.name());
                String column = SinkTable.quote(col.name());
                if (found == null) {
                    lines.add("table " + table.name() + " has no column " + col.name() + "; tally run adds it:");
                    lines.add("ALTER TABLE " + table.qualifiedName() + " ADD COLUMN " + column + " " + col.type() + ";");
                } else if (!found.equals(col.type())) {
                    blocked = true;
                    lines.add("table " + table.name() + ", column " + col.name() + ": is " + found + ", the sink writes "
                            + col.type() + "; run:");
                    lines.add("ALTER TABLE " + table.qualifiedName() + " ALTER COLUMN " + column + " TYPE " + col.type()
                            + " USING " + column + "::" + col.type() + ";");
                }
            }
            if (lines.isEmpty()) {
                lines.add("table " + table.name() + " fits the job");
            }
            return new TableCheck(lines, blocked);
        } catch (SQLException e) {
            return new TableCheck(List.of("cannot connect to " + pg.urlForDisplay() + ": " + e.getMessage()), true);
        }
    }
}
