package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidConfigTest {
    private static final Map<String, String> ENV = Map.of();

    static Stream<Arguments> invalidFiles() {
        return Stream.of(
                Arguments.of("unknown-key.yaml", List.of(
                        "jobs[0].window.size: is required (line 7)",
                        "jobs[0].window.sizee: unknown key, did you mean \"size\"? (line 9)")),
                Arguments.of("slide-must-divide-size.yaml", List.of(
                        "jobs[0].window.slide: must divide size (30s), got 7s (line 12)")),
                Arguments.of("bad-duration.yaml", List.of(
                        "jobs[0].time.grace: must be a duration like 30s, 5m or 1h, got \"30x\" (line 10)")),
                Arguments.of("filter-expression.yaml", List.of(
                        "jobs[0].transform[3].filter: expression error at column 8: parsing error in '*' (line 10)")),
                Arguments.of("missing-required.yaml", List.of(
                        "jobs[0].key: is required (line 4)",
                        "jobs[0].window: is required (line 4)",
                        "jobs[0].sink: is required (line 4)",
                        "jobs[0].source.topic: is required (line 5)")),
                Arguments.of("bad-job-name.yaml", List.of(
                        "jobs[0].name: must be lower-case letters, digits, '-' and '_', starting with a letter or digit"
                                + " (it is part of topic names), got \"Clicks Per User\" (line 4)")),
                Arguments.of("duplicate-job-names.yaml", List.of(
                        "jobs[1].name: duplicate job name, first used by jobs[0] at line 4 (line 10)")),
                Arguments.of("no-jobs.yaml", List.of(
                        "kafka.bootstrap.servers: is required (line 1)",
                        "jobs: must list at least one job (line 3)")),
                Arguments.of("bad-choices.yaml", List.of(
                        "jobs[0].source.format: must be one of text, json, csv, got \"jsn\", did you mean \"json\"? (line 5)",
                        "jobs[0].emit: final needs windows that end; global windows never do, use changes (line 9)",
                        "jobs[0].errors: must be one of dead-letter, fail, got \"ignore\" (line 10)")),
                Arguments.of("bad-aggregates.yaml", List.of(
                        "jobs[0].aggregates.key: \"key\" is reserved for the window's key in the output; choose another name (line 9)",
                        "jobs[0].aggregates.bytes: sum needs a field: write { sum: FIELD } (line 10)",
                        "jobs[0].aggregates.latency.ranks[1]: must be a number between 0 and 1 (exclusive), got \"1.5\" (line 11)",
                        "jobs[0].aggregates.top_pages.ranks: only allowed with quantiles (line 12)",
                        "jobs[0].aggregates.top_pages.k: must be at least 1, got 0 (line 12)",
                        "jobs[0].aggregates.Views: aggregate names must be lower-case letters, digits and '_',"
                                + " starting with a letter or '_' (line 13)",
                        "jobs[0].aggregates.Views.cnt: unknown key (line 13)")),
                Arguments.of("time-fields.yaml", List.of(
                        "jobs[0].time.field: only allowed when type is event (line 7)",
                        "jobs[0].time.format: only allowed when type is event (line 7)",
                        "jobs[0].window.size: only allowed in tumbling and hopping windows (line 8)",
                        "jobs[0].window.gap: must be more than 0s (line 8)",
                        "jobs[1].time.field: is required (line 14)",
                        "jobs[1].window.slide: must not exceed size (10s), got 1m (line 15)")),
                Arguments.of("state-and-http.yaml", List.of(
                        "state.memory: must be a size like 256MB or 1GB, got \"lots\" (line 4)",
                        "state.instance-id: must be letters, digits, '.', '_' and '-' (at most 200), got \"node 1\" (line 5)",
                        "http.enabled: must be true or false, got \"maybe\" (line 7)",
                        "http.port: must be between 0 and 65535, got 70000 (line 8)",
                        "jobs[0].batch.interval: must be more than 0s (line 15)",
                        "jobs[0].batch.max-records: must be at least 1, got 0 (line 15)",
                        "jobs[0].standby-replicas: must be at least 0, got -1 (line 16)",
                        "jobs[0].threads: must be between 1 and 1024, got 0 (line 18)")),
                Arguments.of("syntax-error.yaml", List.of(
                        "YAML syntax error at column 8: expected ',' or '}', but got : (while parsing a flow mapping"
                                + " that starts at line 5, column 13) (line 6)")),
                Arguments.of("bad-transforms.yaml", List.of(
                        "jobs[0].transform[0].split.pattern: must be a Java regular expression: Unclosed group near index 7 (line 7)",
                        "jobs[0].transform[1].lowercas: unknown transform step, did you mean \"lowercase\"? (line 8)",
                        "jobs[0].transform[2]: must be one step such as \"lowercase: word\" (one of split, lowercase,"
                                + " compute, filter, lookup), got a mapping with 2 keys (line 9)",
                        "jobs[0].transform[3].compute.expr: is required (line 11)")),
                Arguments.of("csv-and-topics.yaml", List.of(
                        "jobs[0].source.csv: only allowed when format is csv (line 8)",
                        "jobs[0].sink: topic must differ from source.topic: a job must not read its own output (line 12)",
                        "jobs[0].dead-letter.topic: must be a Kafka topic name (letters, digits, '.', '_' and '-',"
                                + " at most 249), got \"bad topic!\" (line 13)",
                        "jobs[1].source.csv.columns[1]: duplicate column \"a\" (line 18)",
                        "jobs[1].source.csv.delimiter: must be a single character, got \";;\" (line 18)")),
                Arguments.of("duplicate-key.yaml", List.of(
                        "jobs[0].window: duplicate key, first at line 7 (line 8)")),
                Arguments.of("missing-env.yaml", List.of(
                        "kafka.sasl.jaas.config: environment variable KAFKA_JAAS is not set (line 4)",
                        "jobs[0].source.topic: environment variable CLICKS_TOPIC is not set (line 7)")),
                Arguments.of("bad-keys.yaml", List.of(
                        "jobs[0].key: set exactly one of expr or record-key (or write a field name) (line 6)",
                        "jobs[1].key.record-key: must be true; to key by a field, write key: FIELD (line 12)",
                        "jobs[2].key.expr: expression error at column 9: parsing error in '+' (line 18)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void shouldReportEveryProblemWithPathAndLineWhenFileIsInvalid(String file, List<String> expected) {
        assertEquals(expected, Fixtures.problems(Fixtures.text("invalid/" + file), ENV));
    }

    @Test
    void shouldPrefixEveryMessageLineWithTheFileWhenLoadingFromDisk() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TallyConfigLoader.load(Fixtures.resource("invalid/state-and-http.yaml")));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals(8, lines.size());
        String file = Fixtures.resource("invalid/state-and-http.yaml").toString();
        assertEquals(file + ": state.memory: must be a size like 256MB or 1GB, got \"lots\" (line 4)", lines.get(0));
        assertTrue(lines.stream().allMatch(l -> l.startsWith(file + ": ")), e.getMessage());
    }

    @Test
    void shouldReportProblemsOfAllJobsWhenSeveralJobsAreInvalid() {
        List<String> problems = Fixtures.problems(Fixtures.text("invalid/time-fields.yaml"), ENV);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("jobs[0].")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("jobs[1].")), problems.toString());
    }

    @Test
    void shouldGiveLineAndColumnWhenIndentationUsesTabs() {
        String yaml = "kafka:\n  bootstrap.servers: x\njobs:\n\t- name: a\n";
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> TallyConfigLoader.parse(yaml, "tabs.yaml", ENV)).problems();
        assertEquals(1, problems.size());
        assertEquals(4, problems.get(0).line());
        assertEquals("", problems.get(0).path());
        assertTrue(problems.get(0).message().startsWith("YAML syntax error at column 1: "), problems.get(0).message());
    }

    @Test
    void shouldRejectTopLevelThatIsNotAMappingWhenFileIsAList() {
        assertEquals(List.of("must be a mapping, got a list (line 1)"), Fixtures.problems("- a\n- b\n", ENV));
    }

    @Test
    void shouldReportEmptyFileWhenThereIsNoDocument() {
        assertEquals(List.of("the file is empty"), Fixtures.problems("# nothing here\n", ENV));
    }

    @Test
    void shouldReportMissingFileWithoutAStackTraceWhenPathDoesNotExist() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TallyConfigLoader.load(java.nio.file.Path.of("/no/such/tally.yaml")));
        assertEquals("/no/such/tally.yaml: no such file", e.getMessage());
    }
}
