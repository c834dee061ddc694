package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LookupConfigTest {
    private static final String HEAD = """
            kafka: { bootstrap.servers: localhost:9092 }
            jobs:
              - name: views-per-country
                source: { topic: page-views, format: json }
            """;
    private static final String TAIL = """
                key: country
                time: { type: event, field: ts, grace: 5s }
                window: { type: tumbling, size: 1m }
                aggregates: { views: count }
                emit: final
                sink: { topic: views-per-country }
            """;

    @Test
    void shouldBindTablesAndLookupWhenDeclared() throws ConfigException {
        TallyConfig config = TallyConfigLoader.parse(HEAD + """
                    tables:
                      users: { topic: user-profiles, format: json }
                      plans: { topic: plans, history: 2h, as-of: latest }
                    transform:
                      - lookup: { table: users, key: user, fields: { country: country, plan: profile.plan }, missing: keep }
                      - lookup: { table: plans, key: plan, fields: { price: price } }
                """ + TAIL, "t.yaml", Map.of());
        JobConfig job = config.jobs().get(0);
        assertEquals(new TableConfig("users", "user-profiles", SourceConfig.Format.JSON, Duration.ofHours(1),
                TableConfig.AsOf.EVENT), job.tables().get("users"));
        assertEquals(new TableConfig("plans", "plans", SourceConfig.Format.JSON, Duration.ofHours(2),
                TableConfig.AsOf.LATEST), job.tables().get("plans"));
        assertEquals(List.of(
                new TransformStep.Lookup("users", "user", Map.of("country", "country", "plan", "profile.plan"), TransformStep.Missing.KEEP),
                new TransformStep.Lookup("plans", "plan", Map.of("price", "price"), TransformStep.Missing.DEAD_LETTER)),
                job.transform());
    }

    @Test
    void shouldLoadTheUsersTableAndLookupWhenReadingTheViewsPerCountryExample() throws ConfigException {
        JobConfig job = TallyConfigLoader.load(Path.of(System.getProperty("user.dir"), "..", "examples", "views-per-country.yaml"))
                .job("views-per-country");
        assertEquals(new TableConfig("users", "user-profiles", SourceConfig.Format.JSON, Duration.ofHours(1),
                TableConfig.AsOf.EVENT), job.tables().get("users"));
        assertEquals(List.of(new TransformStep.Lookup("users", "user", Map.of("country", "country", "plan", "plan"),
                TransformStep.Missing.DEAD_LETTER)), job.transform());
        assertEquals("country", job.key().field());
    }

    @Test
    void shouldReportPathAndLineWhenLookupNamesNoDeclaredTableOrFieldsConflict() {
        List<String> problems = Fixtures.problems(HEAD + """
                    tables:
                      users: { topic: user-profiles, formt: json, history: 0s }
                      Bad: { topic: x }
                      own: { topic: views-per-country }
                    transform:
                      - lookup: { table: usrs, key: user, fields: { country: country } }
                      - lookup: { table: own, key: user, fields: { country: c, user: u }, missing: ignore }
                      - lookup: { table: own, key: user, fields: {} }
                """ + TAIL, Map.of());
        assertEquals(List.of(
                "jobs[0].tables.users.formt: unknown key, did you mean \"format\"? (line 6)",
                "jobs[0].tables.users.history: must be more than 0s (line 6)",
                "jobs[0].tables.Bad: table names must be lower-case letters, digits, '-' and '_', starting with a letter or digit (line 7)",
                "jobs[0].tables.own.topic: must differ from sink.topic: a job must not look up its own output (line 8)",
                "jobs[0].transform[0].lookup.table: names no table of this job (declared: own) (line 10)",
                "jobs[0].transform[1].lookup.fields.country: is already written by jobs[0].transform[0].lookup.fields at line 10 (line 11)",
                "jobs[0].transform[1].lookup.fields.user: would overwrite the lookup's own key field 'user' (line 11)",
                "jobs[0].transform[1].lookup.missing: must be one of dead-letter, keep, drop, got \"ignore\" (line 11)",
                "jobs[0].transform[2].lookup.fields: must name at least one field to copy: { OUT: TABLE_FIELD } (line 12)"),
                problems);
    }
}
