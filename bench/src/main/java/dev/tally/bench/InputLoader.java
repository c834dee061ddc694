package dev.tally.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Creates topics and fills an input once with a fast producer; the data is deterministic. */
final class InputLoader {

    static final int PARTITIONS = 6;
    private static final int JITTER_MS = 3_000;
    private static final int VOCABULARY = 1_000;
    private static final long KEY_STRIDE = 1_000_003L;
    /** W7's countries: a few dozen keys after the lookup, so the count repartitions onto few keys. */
    private static final String[] COUNTRIES = {"FR", "DE", "IT", "ES", "PT", "NL", "BE", "PL", "SE", "DK", "FI", "NO",
        "AT", "CH", "IE", "GB", "US", "CA", "MX", "BR", "AR", "JP", "KR", "IN", "AU", "NZ", "ZA", "EG", "TR", "GR"};
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "pa",
        "ba", "go", "hu", "je", "fo", "zi", "xe", "wa", "qu", "yo"};

    private final Admin admin;
    private final String bootstrapServers;

    InputLoader(Admin admin, String bootstrapServers) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
    }

    /** Old event times must not be deleted by retention, hence retention.ms=-1 everywhere. */
    void createTopic(String name) throws ExecutionException, InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    static Producer<byte[], byte[]> fastProducer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates {@code topic} and writes the input; returns the number of records written. */
    long load(String topic, JobShape.Input input, Size size, int count) throws Exception {
        createTopic(topic);
        long now = System.currentTimeMillis();
        var rnd = new SplittableRandom(42);
        var sb = new StringBuilder(128);
        try (var producer = fastProducer(bootstrapServers)) {
            switch (input) {
                case CLICKS -> {
                    // event time ends ten minutes ago: inside every retention, never in the future
                    long base = now - size.eventSpan.toMillis() - Duration.ofMinutes(10).toMillis();
                    for (int i = 0; i < count; i++) {
                        long ts = base + (long) i * size.eventSpan.toMillis() / count - rnd.nextInt(JITTER_MS);
                        String user = "u" + rnd.nextInt(size.users);
                        producer.send(new ProducerRecord<>(topic, bytes(user), click(sb, user, rnd, ts)));
                    }
                }
                case LINES -> {
                    long base = now - size.lineSpan.toMillis() - Duration.ofMinutes(10).toMillis();
                    double[] cumulative = zipf(VOCABULARY);
                    for (int i = 0; i < count; i++) {
                        long ts = base + (long) i * size.lineSpan.toMillis() / count;
                        // round-robin, not the sticky partitioner: each partition advances through event
                        // time with the others (a sticky batch of ~7,000 lines spans 100 s of event time,
                        // so partitions drifted apart by more than the grace and partials arrived late)
                        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, ts, null, line(sb, rnd, cumulative)));
                    }
                }
                case AMOUNTS -> {
                    long base = now - size.amountSpan.toMillis() - Duration.ofMinutes(10).toMillis();
                    for (int i = 0; i < count; i++) {
                        long ts = base + (long) i * size.amountSpan.toMillis() / count - rnd.nextInt(JITTER_MS);
                        // a permutation of 0..count-1: every event has its own key
                        String key = "k" + (i * KEY_STRIDE % count);
                        producer.send(new ProducerRecord<>(topic, bytes(key), amount(sb, rnd, ts)));
                    }
                }
                case VIEWS -> {
                    long base = now - size.eventSpan.toMillis() - Duration.ofMinutes(10).toMillis();
                    String table = JobShape.tableTopic(topic);
                    createTopic(table);
                    // Every profile is valid from before the first view: every lookup hits.
                    int users = tableUsers(size);
                    for (int u = 0; u < users; u++) {
                        String profile = "{\"country\":\"" + COUNTRIES[rnd.nextInt(COUNTRIES.length)] + "\",\"plan\":\""
                                + (rnd.nextInt(4) == 0 ? "pro" : "free") + "\"}";
                        producer.send(new ProducerRecord<>(table, null, base - 60_000, bytes("u" + u), bytes(profile)));
                    }
                    for (int i = 0; i < count; i++) {
                        long ts = base + (long) i * size.eventSpan.toMillis() / count - rnd.nextInt(JITTER_MS);
                        String user = "u" + rnd.nextInt(users);
                        producer.send(new ProducerRecord<>(topic, bytes(user), click(sb, user, rnd, ts)));
                    }
                }
            }
            producer.flush();
        }
        return count;
    }

    /** W7's table size: the size's, or {@code -Dbench.tableUsers=N} (e.g. a million keys, to measure the table load). */
    static int tableUsers(Size size) {
        return Integer.getInteger("bench.tableUsers", size.tableUsers);
    }

    static byte[] click(StringBuilder sb, String user, SplittableRandom rnd, long ts) {
        sb.setLength(0);
        sb.append("{\"user\":\"").append(user).append("\",\"page\":\"/p/").append(rnd.nextInt(200))
                .append("\",\"ts\":").append(ts).append(",\"bytes\":").append(100 + rnd.nextInt(50_000)).append('}');
        return bytes(sb);
    }

    private static byte[] amount(StringBuilder sb, SplittableRandom rnd, long ts) {
        sb.setLength(0);
        sb.append("{\"user\":\"u").append(rnd.nextInt(100_000)).append("\",\"amount\":")
                .append(1 + rnd.nextInt(1_000)).append(",\"ts\":").append(ts).append('}');
        return bytes(sb);
    }

    /** About ten words, the first capitalised, some commas and a full stop: \W+ has work to do. */
    private static byte[] line(StringBuilder sb, SplittableRandom rnd, double[] cumulative) {
        sb.setLength(0);
        int words = 8 + rnd.nextInt(5);
        for (int w = 0; w < words; w++) {
            String word = word(pick(cumulative, rnd.nextDouble()));
            if (w == 0) {
                sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
            } else {
                sb.append(rnd.nextInt(8) == 0 ? ", " : " ").append(word);
            }
        }
        return bytes(sb.append('.'));
    }

    static String word(int index) {
        String w = SYLLABLES[index % 20] + SYLLABLES[(index / 20) % 20];
        return index >= 400 ? w + SYLLABLES[(index / 400) % 20] : w;
    }

    /** Cumulative Zipf(1) weights over ranks. */
    static double[] zipf(int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / (i + 1);
            c[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            c[i] /= sum;
        }
        return c;
    }

    static int pick(double[] cumulative, double u) {
        int i = java.util.Arrays.binarySearch(cumulative, u);
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
