package dev.tally.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Child process of {@link W1Baseline#writeOnly()}. Window records for 10,000 users ("u0".."u9999",
 * W1's keys) over consecutive 10 s slides, in the shape Tally writes them. The consumer only
 * supplies the input's end offsets and the group metadata for the last transaction.
 * Args: bootstrap inputTopic outputTopic group outputsPerInput.
 */
final class WriteOnlyMain {
    private static final int USERS = 10_000;

    private WriteOnlyMain() {
    }

    public static void main(String[] args) throws Exception {
        HeapPeak.install(Path.of(System.getProperty("bench.heapPeakFile")));
        String output = args[2];
        double perInput = Double.parseDouble(args[4]);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, args[3]);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(HandWrittenMain.producerProps(args[0], args[3] + "-write-only"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            List<TopicPartition> parts = consumer.partitionsFor(args[1]).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long records = Math.round(end.values().stream().mapToLong(Long::longValue).sum() * perInput);
            byte[][] keys = new byte[USERS][];
            for (int u = 0; u < USERS; u++) {
                keys[u] = ("u" + u).getBytes(StandardCharsets.UTF_8);
            }
            StringBuilder json = new StringBuilder(96);
            long batchEnd = System.nanoTime() + 1_000_000_000L;
            producer.beginTransaction();
            for (long i = 0; i < records; i++) {
                int user = (int) (i % USERS);
                long start = 1_700_000_000_000L + (i / USERS) * 10_000L;
                json.setLength(0);
                json.append("{\"key\":\"u").append(user).append("\",\"start\":").append(start)
                        .append(",\"end\":").append(start + 30_000).append(",\"count\":").append(1 + i % 3).append('}');
                producer.send(new ProducerRecord<>(output, keys[user], json.toString().getBytes(StandardCharsets.UTF_8)));
                if ((i & 1023) == 0 && System.nanoTime() >= batchEnd) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    batchEnd = System.nanoTime() + 1_000_000_000L;
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            end.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        }
        System.out.println("WRITE_ONLY_DONE");
        Thread.currentThread().join();
    }
}
