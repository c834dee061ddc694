package dev.tally.demo;

import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.HttpConfig;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.service.TallyService;
import dev.tally.service.http.TallyHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Spark Streaming's windowed word count, end to end on this machine: an embedded Kafka broker, a
 * generator of lines, the word-count job (hopping 30 s / 10 s, emit final) and a read_committed
 * reader printing every 10 s the counts of the past 30 s. It lives in its own module so that the
 * service's runtime classpath (and the container image) holds no broker and no Scala; {@code
 * TallyCli} finds it by name when this module is on the classpath ({@code bin/tally demo} adds it).
 */
@Command(name = "demo", description = "Embedded Kafka + line generator + word count, printing windows every 10 s until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", description = "stop after this long, e.g. 60s (default: until Ctrl-C)")
    String duration;

    @Option(names = "--lines-per-second", defaultValue = "50", description = "generator rate")
    int rate;

    @Option(names = "--port", defaultValue = "8080", description = "the dashboard's HTTP port on 127.0.0.1 (0 or taken: any free port)")
    int port;

    @Option(names = "--example", defaultValue = "word-count", description = "word-count or views-per-country (a lookup in a users table)")
    String example;

    @Override
    public Integer call() throws Exception {
        quietLogs();
        if (example.equals("views-per-country")) {
            return ViewsDemo.run(duration == null ? 0 : parseSeconds(duration), rate * 4);
        } else if (!example.equals("word-count")) {
            System.err.println("tally demo: --example is word-count or views-per-country, got " + example);
            return 2;
        }
        Path dir = Files.createTempDirectory("tally-demo");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, Map.of())) {
            kafka.createTopic("lines", 3, Map.of());
            TallyConfig config = demoConfig(kafka.bootstrapServers(), dir.resolve("state"));
            System.out.println("demo: Kafka at " + kafka.bootstrapServers() + ", job word-count: "
                    + "counts of the past 30 s, every 10 s (Ctrl-C to stop)");
            DemoGenerator generator = new DemoGenerator(kafka.bootstrapServers(), "lines", rate);
            DemoPrinter printer = new DemoPrinter(kafka.bootstrapServers(), config.jobs().get(0).sink().topic(), System.out);
            Thread gen = new Thread(generator, "demo-generator");
            Thread print = new Thread(printer, "demo-printer");
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (TallyService service = new TallyService(config, registry);
                 TallyHttpServer http = startHttp(service, registry)) {
                Thread hook = new Thread(() -> {
                    generator.stop();
                    printer.stop();
                    service.stop();
                });
                Runtime.getRuntime().addShutdownHook(hook);
                service.start();
                System.out.println("demo: dashboard at " + http.url() + "/ (open it in a browser)");
                gen.start();
                print.start();
                if (duration != null) {
                    Thread.sleep(parseSeconds(duration) * 1000L);
                } else {
                    service.awaitTermination();
                }
                generator.stop();
                printer.stop();
                service.stop();
                gen.join();
                print.join();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    /**
     * The demo's output is its windows: Tally's INFO lines (tasks assigned, restored, committed)
     * would bury them. TALLY_LOG_LEVEL, when set, still wins, for debugging the demo itself.
     */
    private static void quietLogs() {
        if (System.getenv("TALLY_LOG_LEVEL") != null || System.getProperty("TALLY_LOG_LEVEL") != null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            logback.getLogger("dev.tally").setLevel(Level.WARN);
        }
    }

    /** The demo's HTTP port on 127.0.0.1: --port when free, else any free port, so a second demo still starts. */
    private TallyHttpServer startHttp(TallyService service, PrometheusMeterRegistry registry) {
        try {
            return TallyHttpServer.start(new HttpConfig(true, "127.0.0.1", port), service, registry);
        } catch (UncheckedIOException e) {
            return TallyHttpServer.start(new HttpConfig(true, "127.0.0.1", 0), service, registry);
        }
    }

    static TallyConfig demoConfig(String bootstrap, Path stateDir) throws IOException, dev.tally.config.ConfigException {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/examples/word-count.yaml")) {
            if (in == null) {
                throw new IOException("examples/word-count.yaml is not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TALLY_STATE_DIR", stateDir.toString(),
                "TALLY_HTTP_PORT", "0");
        return TallyConfigLoader.parse(yaml, "examples/word-count.yaml", env);
    }

    /** 90s, 5m, 1h: the units a demo needs, read as an ISO-8601 duration. */
    private static long parseSeconds(String d) {
        return Duration.parse("PT" + d.trim().toUpperCase(java.util.Locale.ROOT)).toSeconds();
    }

    static Duration window() {
        return Duration.ofSeconds(30);
    }
}
