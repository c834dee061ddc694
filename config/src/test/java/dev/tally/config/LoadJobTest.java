package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadJobTest {

    @Test
    void shouldReadSingleJobMappingWhenTopLevelHasName() throws ConfigException {
        JobConfig job = TallyConfigLoader.loadJob(Fixtures.resource("valid/single-job.yaml"));
        assertEquals("clicks", job.name());
        assertEquals(new WindowConfig(WindowConfig.Type.TUMBLING, Duration.ofSeconds(10), Duration.ofSeconds(10), null, null),
                job.window());
        assertEquals("clicks-dead-letter", job.deadLetterTopic());
    }

    @Test
    void shouldIgnoreKafkaBlockWhenFullConfigHoldsOneJob() throws ConfigException {
        JobConfig job = TallyConfigLoader.parseJob(Fixtures.text("valid/one-job-no-kafka-env.yaml"), "one.yaml", Map.of());
        assertEquals("clicks", job.name());
    }

    @Test
    void shouldStillRequireKafkaVariablesWhenLoadingForRun() {
        assertEquals(List.of(
                "kafka.bootstrap.servers: environment variable KAFKA_BOOTSTRAP_SERVERS is not set (line 3)",
                "kafka.sasl.jaas.config: environment variable KAFKA_JAAS is not set (line 4)"),
                Fixtures.problems(Fixtures.text("valid/one-job-no-kafka-env.yaml"), Map.of()));
    }

    @Test
    void shouldRejectFullConfigWhenItHoldsSeveralJobs() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TallyConfigLoader.parseJob(Fixtures.text("valid/full.yaml"), "full.yaml",
                        Map.of("KAFKA_JAAS", "x", "TRUSTSTORE_PASSWORD", "y")));
        assertEquals("full.yaml: jobs: must hold exactly one job here, found 5 (line 27)", e.getMessage());
    }

    @Test
    void shouldReportJobProblemsWithTopLevelPathsWhenSingleJobIsInvalid() {
        String yaml = "name: clicks\nsource: { topic: clicks, format: json }\nkey: user\n"
                + "window: { type: tumbling, size: 10 }\naggregates: { n: count }\nsink: { topic: out }\nkafka: {}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> TallyConfigLoader.parseJob(yaml, "job.yaml", Map.of()));
        assertEquals(List.of(
                new ConfigProblem("window.size", "must be a duration like 30s, 5m or 1h, got \"10\"", 4),
                new ConfigProblem("kafka", "unknown key", 7)), e.problems());
    }
}
