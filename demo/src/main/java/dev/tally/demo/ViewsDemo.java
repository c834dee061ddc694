package dev.tally.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.service.TallyService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code tally demo --example views-per-country}: an embedded broker, 1,000 user profiles in a
 * compacted topic (a user moves to another country every second), page views at a steady rate
 * (one in fifty from a user the table does not know: dead-lettered as LOOKUP_MISSING), the
 * examples/views-per-country.yaml job, and its windows printed as they close.
 */
final class ViewsDemo {
    private static final String[] COUNTRIES = {"FR", "DE", "IT", "ES", "PT", "NL", "BE", "PL"};
    private static final String[] PAGES = {"/home", "/search", "/cart", "/item", "/help"};
    private static final int USERS = 1_000;
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ViewsDemo() {
    }

    static int run(long seconds, int viewsPerSecond) throws Exception {
        Path dir = Files.createTempDirectory("tally-demo");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, Map.of())) {
            kafka.createTopic("page-views", 3, Map.of());
            kafka.createTopic("user-profiles", 1, Map.of("cleanup.policy", "compact"));
            KafkaClientSettings settings = new KafkaClientSettings(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            SplittableRandom random = new SplittableRandom(16);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.plainProducer("tally-demo-views"));
                 TallyService service = new TallyService(config(kafka.bootstrapServers(), dir.resolve("state")), new SimpleMeterRegistry());
                 KafkaConsumer<byte[], byte[]> output = reader(kafka.bootstrapServers())) {
                // Profiles valid from a minute ago, so the first views find them.
                long since = System.currentTimeMillis() - 60_000;
                for (int u = 0; u < USERS; u++) {
                    producer.send(profile(u, since, random));
                }
                producer.flush();
                service.start();
                System.out.println("demo: Kafka at " + kafka.bootstrapServers() + ", job views-per-country: views per"
                        + " country per minute, printed as each minute closes (Ctrl-C to stop)");
                long end = seconds > 0 ? System.currentTimeMillis() + seconds * 1000 : Long.MAX_VALUE;
                long nextMove = System.currentTimeMillis() + 1_000;
                while (System.currentTimeMillis() < end && !service.anyFailed()) {
                    long now = System.currentTimeMillis();
                    if (now >= nextMove) {
                        producer.send(profile(random.nextInt(USERS), now - 1_000, random));
                        nextMove += 1_000;
                    }
                    for (int i = 0; i < Math.max(1, viewsPerSecond / 10); i++) {
                        String user = random.nextInt(50) == 0 ? "stranger" + random.nextInt(100) : "u" + random.nextInt(USERS);
                        String view = "{\"user\":\"" + user + "\",\"page\":\"" + PAGES[random.nextInt(PAGES.length)]
                                + "\",\"ts\":" + now + "}";
                        producer.send(new ProducerRecord<>("page-views", null, view.getBytes(StandardCharsets.UTF_8)));
                    }
                    print(output);
                    Thread.sleep(100);
                }
            }
        }
        return 0;
    }

    private static ProducerRecord<byte[], byte[]> profile(int user, long time, SplittableRandom random) {
        String value = "{\"country\":\"" + COUNTRIES[(int) (COUNTRIES.length * Math.pow(random.nextDouble(), 2))]
                + "\",\"plan\":\"" + (random.nextInt(4) == 0 ? "pro" : "free") + "\"}";
        return new ProducerRecord<>("user-profiles", null, time, ("u" + user).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static TallyConfig config(String bootstrap, Path state) throws Exception {
        try (InputStream in = ViewsDemo.class.getResourceAsStream("/examples/views-per-country.yaml")) {
            if (in == null) {
                throw new IllegalStateException("examples/views-per-country.yaml is not on the classpath");
            }
            return TallyConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "examples/views-per-country.yaml",
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TALLY_STATE_DIR", state.toString(), "TALLY_HTTP_PORT", "0"));
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader(String bootstrap) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "tally-demo-reader",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        c.subscribe(List.of("views-per-country"));
        return c;
    }

    private static void print(KafkaConsumer<byte[], byte[]> output) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : output.poll(Duration.ZERO)) {
            JsonNode w = MAPPER.readTree(r.value());
            System.out.printf("window %s-%s  %-3s %5d views, %4d users%n", HMS.format(Instant.ofEpochMilli(w.get("start").asLong())),
                    HMS.format(Instant.ofEpochMilli(w.get("end").asLong())), w.get("key").asText(), w.get("views").asLong(),
                    w.get("users").asLong());
        }
    }
}
