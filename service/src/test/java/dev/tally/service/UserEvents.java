package dev.tally.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input for the count-per-user jobs of the service tests ({@code {"ts": ...}} keyed by user,
 * counted in 1-minute tumbling windows as {@code n}), the count each (user, window) must reach,
 * computed here independently, and the counts the job wrote, read back as a downstream reader would.
 */
public final class UserEvents {
    public static final long BASE = 1_700_000_000_000L;
    private static final long WINDOW = 60_000;
    private static final int CHUNK = 2_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private UserEvents() {
    }

    /**
     * Sends events {@code from .. from+n-1}: event i is user {@code u(i*7 % users)} at
     * {@code BASE + i*stepMs}; adds each to {@code expected} ("user@windowStart" -> count) unless null.
     */
    public static void send(String bootstrap, String topic, int from, int n, int users, long stepMs, Map<String, Long> expected) {
        sendInWaves(bootstrap, topic, from, n, users, stepMs, expected, Integer.MAX_VALUE, 0);
    }

    /**
     * As {@link #send}, pausing {@code pauseMs} after every {@code wave} events. The events go
     * through {@link TransactionalInput}, a transaction per wave (at most {@value #CHUNK} events):
     * a send that fails is sent again whole, and the job, reading read_committed, sees each once.
     */
    public static void sendInWaves(String bootstrap, String topic, int from, int n, int users, long stepMs,
                                   Map<String, Long> expected, int wave, long pauseMs) {
        try (TransactionalInput input = new TransactionalInput(bootstrap, "user-events-" + topic + "-" + from)) {
            List<ProducerRecord<String, String>> chunk = new ArrayList<>();
            for (int i = from; i < from + n; i++) {
                String user = "u" + (i * 7 % users);
                long ts = BASE + i * stepMs;
                chunk.add(new ProducerRecord<>(topic, user, "{\"ts\":" + ts + "}"));
                if (expected != null) {
                    expected.merge(user + "@" + (ts - Math.floorMod(ts, WINDOW)), 1L, Long::sum);
                }
                boolean waveEnds = (i - from) % wave == wave - 1;
                if (waveEnds || chunk.size() == CHUNK || i == from + n - 1) {
                    input.send(chunk);
                    chunk = new ArrayList<>();
                }
                if (waveEnds) {
                    pause(pauseMs);
                }
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    /**
     * The count-per-user job of {@code job} as instance {@code instance}: {@code n: count} per
     * record key in 1-minute tumbling event-time windows, emit changes, 200 ms batches of at most
     * {@code maxRecords}; {@code http}: a port (0: any free one), or none.
     */
    public static TallyConfig countJob(TestJob job, Path stateDir, String instance, int threads, int standbys, int maxRecords,
                                       boolean http) throws Exception {
        return countJob(job, stateDir, instance, threads, standbys, maxRecords, http, Map.of());
    }

    /** As above, with these Kafka client settings besides {@code session.timeout.ms: 6000}. */
    public static TallyConfig countJob(TestJob job, Path stateDir, String instance, int threads, int standbys, int maxRecords,
                                       boolean http, Map<String, String> kafka) throws Exception {
        StringBuilder settings = new StringBuilder();
        kafka.forEach((k, v) -> settings.append("\n  ").append(k).append(": \"").append(v).append('"'));
        String yaml = """
                kafka:
                  bootstrap.servers: "%s"
                  session.timeout.ms: "6000"%s
                state: { dir: "%s", instance-id: %s }
                http: { %s }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    emit: changes
                    threads: %d
                    batch: { interval: 200ms, max-records: %d }
                    sink: { topic: %s }
                    standby-replicas: %d
                """.formatted(job.bootstrap(), settings, stateDir.resolve(instance), instance, http ? "port: 0" : "enabled: false",
                job.name(), job.input(), threads, maxRecords, job.output(), standbys);
        return TallyConfigLoader.parse(yaml, job.name() + ".yaml", Map.of());
    }

    /** The last committed count per "user@windowStart" on the sink topic, read under read_committed to its end. */
    public static Map<String, Long> lastCounts(String bootstrap, String topic, int partitions) throws Exception {
        Map<String, Long> last = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "the sink topic could not be read to its end");
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode v = MAPPER.readTree(r.value());
                    last.put(r.key() + "@" + v.get("start").asLong(), v.get("n").asLong());
                }
            }
        }
        return last;
    }
}
