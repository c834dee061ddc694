package dev.tally.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code sink.postgres}: read, checked with path and line, and its secrets never shown. */
class PostgresSinkConfigTest {
    private static final Map<String, String> ENV = Map.of("PG_USER", "tally", "PG_PASSWORD", "s3cr3t-pw");

    private static String yaml(String postgres) {
        return """
                kafka: { bootstrap.servers: 127.0.0.1:9092 }
                jobs:
                  - name: page-views
                    source: { topic: views, format: json }
                    key: user
                    window: { type: tumbling, size: 1m }
                    aggregates: { views: count, window_end: { max: ts } }
                    sink:
                      topic: page-views
                %s""".formatted(postgres.indent(6));
    }

    @Test
    void shouldReadTheTableAndCredentialsWhenTheyComeFromTheEnvironment() throws Exception {
        TallyConfig c = TallyConfigLoader.parse(yaml("""
                postgres:
                  url: jdbc:postgresql://db:5432/analytics?sslmode=verify-full&password=inline
                  user: ${PG_USER}
                  password: ${PG_PASSWORD}
                  table: analytics.page_views
                """).replace("window_end: { max: ts }", "latest: { max: ts }"), "t.yaml", ENV);
        PostgresSinkConfig pg = c.jobs().get(0).sink().postgres();
        assertEquals(new PostgresSinkConfig("jdbc:postgresql://db:5432/analytics?sslmode=verify-full&password=inline",
                "tally", "s3cr3t-pw", "analytics.page_views"), pg);
        assertEquals("analytics", pg.schema());
        assertEquals("page_views", pg.tableName());
        String json = new ObjectMapper().writeValueAsString(c.jobs().get(0).sink());
        assertEquals("{\"topic\":\"page-views\",\"postgres\":{\"url\":\"jdbc:postgresql://db:5432/analytics?sslmode=verify-full"
                + "&password=******\",\"user\":\"tally\",\"password\":\"******\",\"table\":\"analytics.page_views\"}}", json);
        assertFalse(c.jobs().get(0).toString().contains("s3cr3t-pw"));
        assertFalse(c.jobs().get(0).toString().contains("inline"));
    }

    @Test
    void shouldLeaveThePostgresSinkOutWhenTheJobHasNone() throws Exception {
        TallyConfig c = TallyConfigLoader.parse(yaml("").replace("window_end: { max: ts }", "latest: { max: ts }"), "t.yaml", ENV);
        assertNull(c.jobs().get(0).sink().postgres());
    }

    @Test
    void shouldReportEveryProblemWithPathAndLineWhenThePostgresSinkIsWrong() {
        List<String> problems = Fixtures.problems(yaml("""
                postgres:
                  url: mysql://db/analytics?password=hunter2
                  password: hunter2
                  table: Page-Views
                  schema: x
                """), ENV);
        assertEquals(List.of(
                "jobs[0].sink.postgres.table: the aggregate window_end would collide with the table's column window_end;"
                        + " rename the aggregate (line 10)",
                "jobs[0].sink.postgres.url: must be a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/db?sslmode=require,"
                        + " got \"mysql://db/analytics?password=******\" (line 11)",
                "jobs[0].sink.postgres.password: must come from the environment, e.g. password: ${PG_PASSWORD}"
                        + " (a password written into the file ends up in version control and logs) (line 12)",
                "jobs[0].sink.postgres.table: must be a table name or schema.table in lower-case letters, digits and '_',"
                        + " got \"Page-Views\" (line 13)",
                "jobs[0].sink.postgres.schema: unknown key (line 14)"), problems);
    }
}
