package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tally.broker.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.tally.service.http.HttpTestSupport.await;
import static dev.tally.service.http.HttpTestSupport.get;
import static dev.tally.service.http.HttpTestSupport.json;
import static dev.tally.service.http.HttpTestSupport.repoRoot;
import static dev.tally.service.http.HttpTestSupport.scrape;
import static dev.tally.service.http.HttpTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the container runs, without a Docker engine: docker/entrypoint.sh turns environment
 * variables into a config and starts {@code tally run} against the real broker, as the image
 * would (with this build's classes as TALLY_CLASSPATH instead of the image's /opt/tally/lib);
 * docker-compose.yml, prometheus.yml and the Grafana provisioning agree with each other and with
 * what that instance exports on /metrics.
 */
class ContainerSetupTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SECRET = "s3cret-" + UUID.randomUUID();
    private static final String ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String JOB = "word-count-" + ID;
    private static final int LINES = 50;

    private static Path work;
    private static Process tally;
    private static Path log;
    private static String url;

    @BeforeAll
    static void startEntrypoint() throws Exception {
        Path root = repoRoot();
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.createTopic("lines-" + ID, 3, Map.of());
        work = Files.createTempDirectory("tally-entrypoint-");
        // The committed example job, renamed so it cannot meet another test's topics on the shared broker.
        String example = Files.readString(root.resolve("examples/word-count.yaml"))
                .replace("name: word-count", "name: " + JOB)
                .replace("topic: lines", "topic: lines-" + ID)
                .replace("topic: word-counts", "topic: word-counts-" + ID);
        Path jobs = Files.writeString(work.resolve("jobs.yaml"), example);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = work.resolve("tally.log");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("docker/entrypoint.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TALLY_") || k.startsWith("KAFKA_"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TALLY_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"tally\" password=\"" + SECRET + "\";");
        env.put("TALLY_KAFKA_CLIENT_DNS_LOOKUP", "use_all_dns_ips");
        env.put("TALLY_JOBS_FILE", jobs.toString());
        env.put("TALLY_CONFIG", work.resolve("not-mounted.yaml").toString());
        env.put("TALLY_GENERATED_CONFIG", work.resolve("tally.yaml").toString());
        env.put("TALLY_STATE_DIR", work.resolve("state").toString());
        env.put("TALLY_STATE_MEMORY", "32MB");
        env.put("TALLY_HTTP_BIND", "127.0.0.1");
        env.put("TALLY_HTTP_PORT", String.valueOf(port));
        env.put("TALLY_CLASSPATH", System.getProperty("java.class.path"));
        env.put("JAVA_OPTS", "-Xmx256m");
        tally = pb.start();
        url = "http://127.0.0.1:" + port;
        await("the entrypoint's tally to be ready", Duration.ofSeconds(90), () -> {
            if (!tally.isAlive()) {
                throw new AssertionError("tally exited with " + tally.exitValue() + ":\n" + read(log));
            }
            try {
                return get(url + "/health/ready").statusCode() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < LINES; i++) {
                p.send(new ProducerRecord<>("lines-" + ID, "the quick brown fox " + i));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (tally != null) {
            tally.destroy();
            if (!tally.waitFor(30, TimeUnit.SECONDS)) {
                tally.destroyForcibly().waitFor();
            }
        }
        if (work != null) {
            HttpTestSupport.deleteRecursively(work);
        }
    }

    @Test
    void shouldRunTheExampleJobWhenConfiguredFromTheEnvironment() throws Exception {
        await("every line consumed", Duration.ofSeconds(60),
                () -> value(scrape(url), "tally_records_consumed_total", JOB) == LINES);
        JsonNode jobs = json(get(url + "/jobs"));
        assertEquals(JOB, jobs.get("jobs").get(0).get("job").asText());
        assertEquals("use_all_dns_ips", jobs.get("kafka").get("client.dns.lookup").asText(), "TALLY_KAFKA_* passes through");
        assertEquals("******", jobs.get("kafka").get("sasl.jaas.config").asText());
        String generated = Files.readString(work.resolve("tally.yaml"));
        assertTrue(generated.contains("sasl.jaas.config: \"${TALLY_KAFKA_SASL_JAAS_CONFIG}\""), generated);
        assertFalse(generated.contains(SECRET), "the generated file holds references, not secrets");
        assertFalse(jobs.toString().contains(SECRET));
        assertFalse(read(log).contains(SECRET), "the secret appears in the instance's output");
    }

    @Test
    void shouldExportEveryMetricTheDashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(repoRoot().resolve("docker/grafana/dashboards/tally.json").toFile());
        Set<String> queried = new TreeSet<>();
        int panels = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.get("datasource").get("type").asText().equals("prometheus")) {
                continue; // results read from the database sink's table, checked with the compose wiring
            }
            panels++;
            assertTrue(panel.get("targets").size() > 0, "panel without a query: " + panel.get("title"));
            for (JsonNode target : panel.get("targets")) {
                Set<String> names = metricNames(target.get("expr").asText());
                assertFalse(names.isEmpty(), "no metric in " + target.get("expr"));
                queried.addAll(names);
            }
        }
        assertTrue(panels >= 8, "throughput, lag, latencies, late/dead-lettered, state and restore panels");
        // Only a job with sink.postgres exports these (this instance runs the job without one);
        // PostgresSinkOutageTest scrapes them from a job that has one.
        assertTrue(queried.remove("tally_sink_lag_records"), "the dashboard shows the database sink's lag");
        List<String> missing = new ArrayList<>();
        await("every queried metric exported", Duration.ofSeconds(30), () -> {
            Set<String> exported = scrape(url).stream().map(HttpTestSupport.Sample::name).collect(Collectors.toSet());
            missing.clear();
            queried.stream().filter(n -> !exported.contains(n)).forEach(missing::add);
            return missing.isEmpty();
        });
        assertEquals(List.of(), missing);
        for (String required : List.of("tally_records_consumed_total", "tally_consumer_lag_records",
                "tally_batch_duration_seconds_bucket", "tally_commit_latency_seconds_bucket", "tally_records_late_total",
                "tally_records_dead_lettered_total", "tally_state_disk_bytes", "tally_restore_remaining_records")) {
            assertTrue(queried.contains(required), "the dashboard shows " + required);
        }
    }

    @Test
    void shouldWireComposeServicesToEachOthersPorts() throws Exception {
        Path root = repoRoot();
        JsonNode compose = YAML.readTree(root.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        for (String s : List.of("kafka", "tally", "generator", "prometheus", "grafana", "postgres")) {
            assertTrue(services.has(s), "compose has a " + s + " service");
        }
        // Kafka: KRaft, and what the others bootstrap from is what it advertises.
        JsonNode kafkaEnv = services.get("kafka").get("environment");
        assertTrue(services.get("kafka").get("image").asText().startsWith("apache/kafka:"));
        assertTrue(kafkaEnv.get("KAFKA_PROCESS_ROLES").asText().contains("controller"));
        String advertised = kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS").asText();
        for (String client : List.of("tally", "generator")) {
            String bootstrap = services.get(client).get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText();
            assertTrue(advertised.contains("://" + bootstrap), client + " bootstraps from " + bootstrap + ", kafka advertises " + advertised);
        }
        // Tally: its HTTP port is the image's, published, and what Prometheus scrapes.
        JsonNode tallyEnv = services.get("tally").get("environment");
        String httpPort = tallyEnv.get("TALLY_HTTP_PORT").asText();
        assertEquals("0.0.0.0", tallyEnv.get("TALLY_HTTP_BIND").asText(), "reachable from the prometheus container");
        assertTrue(Files.readString(root.resolve("Dockerfile")).contains("EXPOSE " + httpPort));
        assertTrue(texts(services.get("tally").get("ports")).contains(httpPort + ":" + httpPort));
        String jobsFile = tallyEnv.get("TALLY_JOBS_FILE").asText();
        assertTrue(texts(services.get("tally").get("volumes")).stream().anyMatch(v -> v.contains(":" + jobsFile + ":")),
                "the jobs file is mounted where TALLY_JOBS_FILE says");

        JsonNode prometheus = YAML.readTree(mounted(root, services.get("prometheus"), "/etc/prometheus/prometheus.yml").toFile());
        JsonNode scrape = prometheus.get("scrape_configs").get(0);
        assertEquals("/metrics", scrape.get("metrics_path").asText());
        assertEquals(List.of("tally:" + httpPort), texts(scrape.get("static_configs").get(0).get("targets")));
        assertTrue(scrape.get("honor_labels").asBoolean(), "Tally's job label is kept, not renamed exported_job");
        assertTrue(texts(services.get("prometheus").get("ports")).contains("9090:9090"));

        // Grafana: the datasource points at the prometheus service; the dashboard is where the provider looks.
        Path provisioning = mounted(root, services.get("grafana"), "/etc/grafana/provisioning");
        JsonNode datasource = YAML.readTree(provisioning.resolve("datasources/prometheus.yml").toFile()).get("datasources").get(0);
        URI dsUrl = URI.create(datasource.get("url").asText());
        assertEquals("prometheus", dsUrl.getHost());
        assertEquals(9090, dsUrl.getPort());
        JsonNode provider = YAML.readTree(provisioning.resolve("dashboards/tally.yml").toFile()).get("providers").get(0);
        String dashboardsPath = provider.get("options").get("path").asText();
        Path dashboards = mounted(root, services.get("grafana"), dashboardsPath);
        JsonNode dashboard = new ObjectMapper().readTree(dashboards.resolve("tally.json").toFile());
        // PostgreSQL: the datasource reads the database the example job's sink writes, and a panel reads its table.
        JsonNode pgSource = YAML.readTree(provisioning.resolve("datasources/postgres.yml").toFile()).get("datasources").get(0);
        JsonNode postgres = services.get("postgres");
        assertTrue(postgres.get("image").asText().startsWith("postgres:"));
        assertEquals("postgres:5432", pgSource.get("url").asText());
        assertEquals(postgres.get("environment").get("POSTGRES_DB").asText(), pgSource.get("jsonData").get("database").asText());
        assertEquals(postgres.get("environment").get("POSTGRES_USER").asText(), pgSource.get("user").asText());
        assertEquals("jdbc:postgresql://postgres:5432/" + postgres.get("environment").get("POSTGRES_DB").asText(),
                tallyEnv.get("PG_URL").asText());
        Path mountedJobs = mounted(root, services.get("tally"), jobsFile);
        String table = dev.tally.config.TallyConfigLoader.parse(Files.readString(mountedJobs), "jobs.yaml",
                Map.of("PG_PASSWORD", "x")).jobs().get(0).sink().postgres().table();
        boolean readsTable = false;
        for (JsonNode panel : dashboard.get("panels")) {
            String uid = panel.get("datasource").get("uid").asText();
            if (uid.equals(pgSource.get("uid").asText())) {
                readsTable |= panel.get("targets").get(0).get("rawSql").asText().contains("FROM " + table);
            } else {
                assertEquals(datasource.get("uid").asText(), uid, panel.get("title").asText());
            }
        }
        assertTrue(readsTable, "a panel reads the example job's table " + table);
        String home = services.get("grafana").get("environment").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertEquals(dashboardsPath + "/tally.json", home);
    }

    /** The local file or folder a service mounts at {@code target}, which must exist. */
    private static Path mounted(Path root, JsonNode service, String target) {
        for (String v : texts(service.get("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                Path local = root.resolve(parts[0]).normalize();
                assertTrue(Files.exists(local), v + " mounts a file that exists");
                return local;
            }
        }
        throw new AssertionError("nothing mounted at " + target + " in " + service);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * The metric names a PromQL expression reads: what is left once strings, label matchers,
     * ranges, grouping clauses, functions, keywords and numbers are taken out.
     */
    static Set<String> metricNames(String promql) {
        String s = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(s);
        while (m.find()) {
            String token = m.group().replaceAll("[\\s(]", "");
            boolean function = m.group(1) != null;
            if (!function && !Set.of("and", "or", "unless", "bool", "offset").contains(token)) {
                names.add(token);
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
