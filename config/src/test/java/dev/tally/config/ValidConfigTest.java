package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.config.AggregateConfig.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidConfigTest {
    private static final Map<String, String> ENV = Map.of(
            "KAFKA_JAAS", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
            "TRUSTSTORE_PASSWORD", "changeit");

    private static TallyConfig full() throws ConfigException {
        return TallyConfigLoader.parse(Fixtures.text("valid/full.yaml"), "full.yaml", ENV);
    }

    private static AggregateConfig agg(String name, Type type, String field) {
        return new AggregateConfig(name, type, field, List.of(), 0);
    }

    @Test
    void shouldPassKafkaPropertiesThroughWhenNestedOrInterpolated() throws ConfigException {
        assertEquals(Map.of(
                "bootstrap.servers", "127.0.0.1:9092",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", ENV.get("KAFKA_JAAS"),
                "ssl.truststore.location", "/etc/tally/truststore.jks",
                "ssl.truststore.password", "changeit",
                "client.dns.lookup", "use_all_dns_ips",
                "linger.ms", "5"), full().kafka());
    }

    @Test
    void shouldReadStateAndHttpWhenGiven() throws ConfigException {
        TallyConfig c = full();
        assertEquals(new StateConfig(Path.of("/var/lib/tally"), 1L << 30, "tally-0"), c.state());
        assertEquals(new HttpConfig(false, "0.0.0.0", 0), c.http());
    }

    @Test
    void shouldBuildEventTimeHoppingJobWithEveryAggregateWhenFullyWritten() throws ConfigException {
        JobConfig expected = new JobConfig("page-stats",
                new SourceConfig("page-views", SourceConfig.Format.JSON, List.of(), ','),
                List.of(new TransformStep.Compute("kb", "bytes / 1024"), new TransformStep.Filter("status < 500")),
                new KeyConfig("user.id", null, false),
                new TimeConfig(TimeConfig.Type.EVENT, "ts", TimeConfig.Format.ISO_8601,
                        Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new WindowConfig(WindowConfig.Type.HOPPING, Duration.ofMinutes(1), Duration.ofSeconds(10), null, null),
                List.of(agg("views", Type.COUNT, null),
                        agg("bytes", Type.SUM, "bytes"),
                        agg("smallest", Type.MIN, "bytes"),
                        agg("largest", Type.MAX, "bytes"),
                        agg("mean_kb", Type.AVG, "kb"),
                        agg("first_page", Type.FIRST, "page"),
                        agg("last_page", Type.LAST, "page"),
                        agg("pages", Type.COUNT_DISTINCT, "page"),
                        new AggregateConfig("latency", Type.QUANTILES, "latency_ms", List.of(0.5, 0.9), 0),
                        new AggregateConfig("latency_default", Type.QUANTILES, "latency_ms", List.of(0.5, 0.95, 0.99), 0),
                        new AggregateConfig("top_pages", Type.TOP_K, "page", List.of(), 5),
                        new AggregateConfig("top_default", Type.TOP_K, "page", List.of(), 10)),
                JobConfig.EmitMode.FINAL,
                new BatchConfig(Duration.ofMillis(500), 50_000),
                new SinkConfig("page-stats"),
                "page-stats-bad",
                JobConfig.ErrorPolicy.FAIL, // merged in from x-job-defaults
                1,
                3);
        assertEquals(expected, full().job("page-stats"));
    }

    @Test
    void shouldBuildCsvTumblingJobWithDefaultsWhenOptionalKeysAreOmitted() throws ConfigException {
        JobConfig expected = new JobConfig("trips_per_zone",
                new SourceConfig("trips", SourceConfig.Format.CSV, List.of("zone", "fare", "ts"), ';'),
                List.of(),
                new KeyConfig(null, "zone + '/' + fare", false),
                new TimeConfig(TimeConfig.Type.LOG_APPEND, null, null, Duration.ZERO, null),
                new WindowConfig(WindowConfig.Type.TUMBLING, Duration.ofHours(1), Duration.ofHours(1), null, null),
                List.of(agg("trips", Type.COUNT, null)),
                JobConfig.EmitMode.CHANGES,
                new BatchConfig(Duration.ofSeconds(1), 200_000),
                new SinkConfig("trips-per-zone"),
                "trips_per_zone-dead-letter",
                JobConfig.ErrorPolicy.DEAD_LETTER,
                0);
        assertEquals(expected, full().job("trips_per_zone"));
    }

    @Test
    void shouldBuildSessionJobKeyedByRecordKeyWhenSplitHasNoAs() throws ConfigException {
        JobConfig job = full().job("sessions");
        assertEquals(List.of(new TransformStep.Split("c0", ",", "click"), new TransformStep.Lowercase("click"),
                new TransformStep.Split("c1", "\\s+", "c1")), job.transform());
        assertEquals(new KeyConfig(null, null, true), job.key());
        assertEquals(new SourceConfig("clicks", SourceConfig.Format.CSV, List.of(), ','), job.source());
        assertEquals(new TimeConfig(TimeConfig.Type.PROCESSING, null, null, Duration.ZERO, null), job.time());
        assertEquals(new WindowConfig(WindowConfig.Type.SESSION, null, null, Duration.ofMinutes(5), null), job.window());
    }

    @Test
    void shouldBuildGlobalWindowsWithAndWithoutIdleTimeout() throws ConfigException {
        TallyConfig c = full();
        assertEquals(new WindowConfig(WindowConfig.Type.GLOBAL, null, null, null, Duration.ofDays(2)),
                c.job("running-totals").window());
        assertEquals(new WindowConfig(WindowConfig.Type.GLOBAL, null, null, null, null), c.job("forever").window());
        assertEquals(new TimeConfig(TimeConfig.Type.EVENT, "ts", TimeConfig.Format.EPOCH_MILLIS, Duration.ZERO, null),
                c.job("forever").time());
        assertEquals(5, c.jobs().size());
    }

    @Test
    void shouldApplyStateAndHttpDefaultsWhenBlocksAreOmitted() throws ConfigException {
        TallyConfig c = TallyConfigLoader.load(Path.of(System.getProperty("user.dir"), "..", "examples", "word-count.yaml"));
        assertEquals(new StateConfig(Path.of("./tally-state"), 256L << 20, null), c.state());
        assertEquals(new HttpConfig(true, "127.0.0.1", 8080), c.http());
    }

    @Test
    void shouldLoadSparkWordCountWhenReadingTheExample() throws ConfigException {
        Path example = Path.of(System.getProperty("user.dir"), "..", "examples", "word-count.yaml");
        JobConfig expected = new JobConfig("word-count",
                new SourceConfig("lines", SourceConfig.Format.TEXT, List.of(), ','),
                List.of(new TransformStep.Split("line", "\\W+", "word"), new TransformStep.Lowercase("word"),
                        new TransformStep.Filter("word != ''")),
                new KeyConfig("word", null, false),
                new TimeConfig(TimeConfig.Type.PROCESSING, null, null, Duration.ZERO, null),
                new WindowConfig(WindowConfig.Type.HOPPING, Duration.ofSeconds(30), Duration.ofSeconds(10), null, null),
                List.of(agg("count", Type.COUNT, null)),
                JobConfig.EmitMode.FINAL,
                new BatchConfig(Duration.ofSeconds(1), 200_000),
                new SinkConfig("word-counts"),
                "word-count-dead-letter",
                JobConfig.ErrorPolicy.DEAD_LETTER,
                0);
        assertEquals(List.of(expected), TallyConfigLoader.load(example).jobs());
        assertEquals(expected, TallyConfigLoader.loadJob(example));
    }
}
