package dev.tally.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Child process of {@link W1Baseline#handWritten()}: W1's reads and writes, no state.
 * Producer settings are Tally's (lz4, 64 KiB batches, linger 5 ms), so the output costs the same.
 * Args: bootstrap inputTopic outputTopic group.
 */
final class HandWrittenMain {
    private static final long SIZE = 30_000;
    private static final long SLIDE = 10_000;

    private HandWrittenMain() {
    }

    /** A (user, window) touched in the batch: the user's record-key bytes are reused for the output key. */
    private record Window(byte[] user, long start) {
    }

    public static void main(String[] args) throws Exception {
        HeapPeak.install(Path.of(System.getProperty("bench.heapPeakFile")));
        String output = args[2];
        // 1 MiB per partition, as Tally fetches
        try (var consumer = CeilingMain.readCommitted(args[0], args[3], 1 << 20);
             var producer = new KafkaProducer<>(producerProps(args[0], args[3] + "-hand-written"), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            producer.initTransactions();
            List<TopicPartition> parts = CeilingMain.assignFromStart(consumer, args[1]);
            Map<TopicPartition, Long> end = CeilingMain.nonEmptyEnds(consumer, parts);
            // keyed by (user key hash, window): the cheapest dedupe that yields the job's record count
            Map<Long, Window> touched = new HashMap<>();
            long[] ts = new long[1];
            long batchEnd = System.nanoTime() + 1_000_000_000L;
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    CeilingMain.decodeJson(r.value(), ts);
                    touch(r.key(), ts[0], touched);
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                if (System.nanoTime() >= batchEnd || end.isEmpty()) {
                    producer.beginTransaction();
                    StringBuilder json = new StringBuilder(96);
                    for (Window w : touched.values()) {
                        producer.send(new ProducerRecord<>(output, w.user(), json(json, w)));
                    }
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : parts) {
                        offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                    }
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    touched.clear();
                    batchEnd = System.nanoTime() + 1_000_000_000L;
                }
            }
        }
        System.out.println("HAND_WRITTEN_DONE");
        Thread.currentThread().join();
    }

    /** Each 30 s / 10 s window holding ts, for this user (the record key). */
    private static void touch(byte[] user, long ts, Map<Long, Window> touched) {
        long userHash = (long) Arrays.hashCode(user) << 32;
        for (long start = Math.floorDiv(ts, SLIDE) * SLIDE; start > ts - SIZE; start -= SLIDE) {
            long id = userHash ^ (start / SLIDE);
            if (!touched.containsKey(id)) {
                touched.put(id, new Window(user, start));
            }
        }
    }

    private static byte[] json(StringBuilder b, Window w) {
        b.setLength(0);
        b.append("{\"key\":\"").append(new String(w.user(), StandardCharsets.UTF_8)).append("\",\"start\":")
                .append(w.start()).append(",\"end\":").append(w.start() + SIZE).append(",\"count\":1}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Tally's transactional producer settings (KafkaClientSettings), so the output costs the same. */
    static Properties producerProps(String bootstrap, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        return p;
    }
}
