package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvInterpolationTest {
    private static final String JOB = """
            jobs:
              - name: clicks
                source: { topic: clicks, format: json }
                key: user
                window: { type: tumbling, size: "%s" }
                aggregates: { count: count }
                sink: { topic: clicks-per-user }
            """;

    private static TallyConfig parse(String kafka, String size, Map<String, String> env) throws ConfigException {
        return TallyConfigLoader.parse("kafka:\n" + kafka + "\n" + JOB.formatted(size), "env.yaml", env);
    }

    @ParameterizedTest(name = "{0} with {1}={2} gives {3}")
    @CsvSource(delimiter = '|', value = {
        "${HOST}:9092          | HOST | kafka-1 | kafka-1:9092",
        "${HOST:-localhost}:9092 | HOST | kafka-1 | kafka-1:9092",
        "${HOST:-localhost}:9092 | OTHER | x     | localhost:9092",
        "${HOST:-localhost}:9092 | HOST | ''      | localhost:9092",
        "${HOST:-}x            | OTHER | x       | x",
        "$${HOST}              | HOST | kafka-1 | ${HOST}",
        "a${A}b${B:-c}d        | A    | 1       | a1bcd",
    })
    void shouldInterpolateLikeAShellWhenValueReferencesEnvironment(String raw, String var, String value, String expected) {
        EnvInterpolation.Result r = EnvInterpolation.apply(raw.strip(), Map.of(var, value));
        assertEquals(expected, r.text());
        assertEquals(List.of(), r.missing());
    }

    @Test
    void shouldUseEnvironmentValueWhenVariableIsSet() throws ConfigException {
        TallyConfig c = parse("  bootstrap.servers: ${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}", "${SIZE}",
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093", "SIZE", "45s"));
        assertEquals("broker:9093", c.kafka().get("bootstrap.servers"));
        assertEquals(java.time.Duration.ofSeconds(45), c.jobs().get(0).window().size());
    }

    @Test
    void shouldUseDefaultWhenVariableIsUnset() throws ConfigException {
        TallyConfig c = parse("  bootstrap.servers: ${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}", "${SIZE:-1m}", Map.of());
        assertEquals("127.0.0.1:9092", c.kafka().get("bootstrap.servers"));
        assertEquals(java.time.Duration.ofMinutes(1), c.jobs().get(0).window().size());
    }

    @Test
    void shouldNameVariableAndPathWhenVariableIsUnsetWithoutDefault() {
        String kafka = "  bootstrap.servers: 127.0.0.1:9092\n"
                + "  security.protocol: SASL_SSL\n"
                + "  sasl.jaas.config: ${KAFKA_JAAS}";
        assertEquals(List.of("kafka.sasl.jaas.config: environment variable KAFKA_JAAS is not set (line 4)"),
                Fixtures.problems("kafka:\n" + kafka + "\n" + JOB.formatted("30s"), Map.of()));
    }

    @Test
    void shouldNeverShowAnInterpolatedValueWhenItIsInvalid() {
        String secret = "s3cr3t-Hunter2";
        String yaml = """
                kafka:
                  bootstrap.servers: "${SECRET}"
                state: { memory: "${SECRET}", instance-id: "${SECRET}" }
                http: { enabled: "${SECRET}", port: "${SECRET}" }
                jobs:
                  - name: "${SECRET}"
                    source: { topic: "${SECRET}", format: "${SECRET}" }
                    transform:
                      - split: { field: line, pattern: "(${SECRET}" }
                      - filter: "word + ${SECRET}"
                    key: { expr: "${SECRET} +" }
                    window: { type: hopping, size: "30${SECRET}", slide: "${SLIDE}" }
                    aggregates: { count: "${SECRET}", p: { quantiles: x, ranks: ["${SECRET}"] } }
                    errors: "${SECRET}"
                    sink: { topic: "${SECRET}" }
                """;
        ConfigException e = assertThrows(ConfigException.class,
                () -> TallyConfigLoader.parse(yaml, "secret.yaml", Map.of("SECRET", secret + " !", "SLIDE", "7000000s")));
        String rules = "must be letters, digits, '.', '_' and '-'";
        assertEquals(List.of(
                "state.memory: must be a size like 256MB or 1GB, got a value from ${SECRET} (line 3)",
                "state.instance-id: " + rules + " (at most 200), got a value from ${SECRET} (line 3)",
                "http.enabled: must be true or false, got a value from ${SECRET} (line 4)",
                "http.port: must be an integer, got a value from ${SECRET} (line 4)",
                "jobs[0].name: must be lower-case letters, digits, '-' and '_', starting with a letter or digit"
                        + " (it is part of topic names), got a value from ${SECRET} (line 6)",
                "jobs[0].source.topic: must be a Kafka topic name (letters, digits, '.', '_' and '-', at most 249),"
                        + " got a value from ${SECRET} (line 7)",
                "jobs[0].source.format: must be one of text, json, csv, got a value from ${SECRET} (line 7)",
                "jobs[0].transform[0].split.pattern: must be a Java regular expression (a value from ${SECRET}) (line 9)",
                "jobs[0].transform[1].filter: expression error at column 23 in a value from ${SECRET} (line 10)",
                "jobs[0].key.expr: expression error at column 16 in a value from ${SECRET} (line 11)",
                "jobs[0].window.size: must be a duration like 30s, 5m or 1h, got a value from ${SECRET} (line 12)",
                "jobs[0].aggregates.count: must be count or a mapping like { sum: FIELD }, got a value from ${SECRET} (line 13)",
                "jobs[0].aggregates.p.ranks[0]: must be a number between 0 and 1 (exclusive), got a value from ${SECRET} (line 13)",
                "jobs[0].errors: must be one of dead-letter, fail, got a value from ${SECRET} (line 14)",
                "jobs[0].sink.topic: must be a Kafka topic name (letters, digits, '.', '_' and '-', at most 249),"
                        + " got a value from ${SECRET} (line 15)"),
                e.problems().stream().map(ConfigProblem::toString).toList());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("7000000"), e.getMessage());
    }

    @Test
    void shouldNotShowSecretInSlideMessageWhenSizeAndSlideComeFromEnvironment() {
        List<String> problems = Fixtures.problems("kafka: { bootstrap.servers: x }\n" + JOB.formatted("30s")
                .replace("type: tumbling, size: \"30s\"", "type: hopping, size: \"${SIZE}\", slide: \"${SLIDE}\""),
                Map.of("SIZE", "30s", "SLIDE", "7s"));
        assertEquals(List.of("jobs[0].window.slide: must divide size (a value from ${SIZE}), got a value from ${SLIDE} (line 6)"),
                problems);
    }
}
