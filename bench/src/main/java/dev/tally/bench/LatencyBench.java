package dev.tally.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W6: clicks arrive at a fixed rate; once a second one of them carries a marker key. Latency of a
 * marker = the wall-clock time its first window result becomes visible to a read_committed
 * reader minus the time it was produced.
 */
final class LatencyBench {

    private static final String MARKER = "marker-";
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(120);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final Runner runner;
    private final InputLoader loader;
    private final String bootstrapServers;
    private final Path workDir;
    private final PrintStream log;

    LatencyBench(Runner runner, InputLoader loader, String bootstrapServers, Path workDir, PrintStream log) {
        this.runner = runner;
        this.loader = loader;
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.log = log;
    }

    String run(List<Contender> contenders, int ratePerSec, String rateSource, Duration duration) throws Exception {
        var t = new StringBuilder("### W6: ").append(Workload.W6.description).append('\n')
                .append(String.format(Locale.ROOT, "%,d records/s (%s) for %d s, one marker per second%n%n",
                        ratePerSec, rateSource, duration.toSeconds()))
                .append("| contender | markers seen | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        for (Contender c : contenders) {
            String row;
            try {
                row = measure(c, ratePerSec, (int) duration.toSeconds());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                row = "| " + c.name() + " | failed: " + Table.firstLine(e.toString()) + " | | | |";
            }
            log.println("W6 " + row);
            t.append(row).append('\n');
        }
        return t.append('\n').toString();
    }

    private String measure(Contender c, int rate, int seconds) throws Exception {
        String name = "w6-" + c.name();
        String input = name + "-in";
        String output = name + "-out";
        loader.createTopic(input);
        loader.createTopic(output);
        var job = new Job(JobShape.HOPPING_COUNT, name, bootstrapServers, input, output, workDir.resolve(name));
        Contender.Launch launch = c.prepare(job, runner.environment());
        long[] sentAt = new long[seconds];
        var seen = new ConcurrentHashMap<Integer, Long>();
        var stop = new AtomicBoolean();
        try (Running running = Running.start(launch, job.runDir().resolve(c.name() + ".log"));
             var producer = producer()) {
            var rnd = new SplittableRandom(7);
            var sb = new StringBuilder();
            // Warm up at the same rate until the job keeps up: committed within a second's input of the
            // end for three seconds running. Startup, and the backlog that builds meanwhile, are W5's business.
            long warmUntil = System.nanoTime() + WARM_UP_LIMIT.toNanos();
            int keptUp = 0;
            while (keptUp < 3) {
                if (!running.alive()) {
                    return "| " + c.name() + " | exited: " + Table.firstLine(running.logTail()) + " | | | |";
                }
                if (System.nanoTime() > warmUntil) {
                    return "| " + c.name() + " | could not keep up with the rate within " + WARM_UP_LIMIT.toSeconds()
                            + " s of warm-up | | | |";
                }
                produceSecond(producer, input, rate, -1, rnd, sb);
                long end = runner.broker().endOffsets(List.of(input)).values().stream().mapToLong(Long::longValue).sum();
                long committed = runner.broker().committedSum(launch.groupId(), input);
                keptUp = committed > 0 && end - committed <= rate ? keptUp + 1 : 0;
            }
            Thread reader = new Thread(() -> readMarkers(output, seen, stop), "w6-reader");
            reader.start();
            for (int s = 0; s < seconds; s++) {
                sentAt[s] = produceSecond(producer, input, rate, s, rnd, sb);
            }
            long drainUntil = System.nanoTime() + DRAIN.toNanos();
            while (seen.size() < seconds && System.nanoTime() < drainUntil) {
                Thread.sleep(100);
            }
            stop.set(true);
            reader.join();
        }
        var inOrder = new StringBuilder();
        for (int s = 0; s < seconds; s++) {
            Long at = seen.get(s);
            inOrder.append(at == null ? "-" : String.valueOf(at - sentAt[s])).append(' ');
        }
        log.println("W6 " + c.name() + " latency of each marker in ms, in order: " + inOrder.toString().trim());
        long[] lat = seen.entrySet().stream().mapToLong(e -> e.getValue() - sentAt[e.getKey()]).sorted().toArray();
        if (lat.length == 0) {
            return "| " + c.name() + " | 0 / " + seconds + " | | | |";
        }
        return String.format(Locale.ROOT, "| %s | %d / %d | %d | %d | %d |", c.name(), lat.length, seconds,
                percentile(lat, 0.5), percentile(lat, 0.99), lat[lat.length - 1]);
    }

    static long percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Sends one second's worth of clicks, paced; the first is marker {@code id} unless id < 0. */
    private static long produceSecond(KafkaProducer<byte[], byte[]> producer, String topic, int rate, int id,
                                      SplittableRandom rnd, StringBuilder sb) throws InterruptedException {
        long start = System.nanoTime();
        long markerSent = 0;
        int slices = 100;
        for (int slice = 0; slice < slices; slice++) {
            for (int i = slice * rate / slices; i < (slice + 1) * rate / slices; i++) {
                long now = System.currentTimeMillis();
                String user = (i == 0 && id >= 0) ? MARKER + id : "u" + rnd.nextInt(10_000);
                if (i == 0) {
                    markerSent = now;
                }
                producer.send(new ProducerRecord<>(topic, null, now, user.getBytes(StandardCharsets.UTF_8),
                        InputLoader.click(sb, user, rnd, now)));
            }
            long sliceEnd = start + (slice + 1) * 10_000_000L;
            long wait = sliceEnd - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return markerSent;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void readMarkers(String output, ConcurrentHashMap<Integer, Long> seen, AtomicBoolean stop) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(output).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    int id = markerId(r.key());
                    if (id < 0) {
                        id = markerId(r.value());
                    }
                    if (id >= 0) {
                        seen.putIfAbsent(id, now);
                    }
                }
            }
        }
    }

    /** The marker number in a key like "marker-17@..." or a JSON value holding it; -1 if none. */
    static int markerId(byte[] bytes) {
        if (bytes == null) {
            return -1;
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        int at = s.indexOf(MARKER);
        if (at < 0) {
            return -1;
        }
        int i = at + MARKER.length();
        int n = 0;
        boolean digits = false;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            n = n * 10 + (s.charAt(i++) - '0');
            digits = true;
        }
        return digits ? n : -1;
    }

}
