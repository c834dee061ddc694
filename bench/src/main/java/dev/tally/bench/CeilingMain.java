package dev.tally.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Child process of the ceiling: drains the input read_committed, decodes the fields the job
 * needs, commits its position once, then waits to be stopped (so the harness can read its CPU).
 * Args: shape bootstrap topic group.
 */
final class CeilingMain {

    private static final JsonFactory JSON = new JsonFactory();

    private CeilingMain() {
    }

    public static void main(String[] args) throws Exception {
        HeapPeak.install(Path.of(System.getProperty("bench.heapPeakFile")));
        JobShape shape = JobShape.valueOf(args[0]);
        long checksum = 0;
        try (var consumer = readCommitted(args[1], args[3], 4 << 20)) {
            List<TopicPartition> parts = assignFromStart(consumer, args[2]);
            Map<TopicPartition, Long> end = nonEmptyEnds(consumer, parts);
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    checksum += decode(shape, r);
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (TopicPartition tp : parts) {
                done.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            consumer.commitSync(done);
        }
        // printed so the decoding cannot be optimised away
        System.out.println("CEILING_DONE checksum=" + checksum);
        Thread.currentThread().join();
    }

    /** A read_committed consumer of byte arrays in {@code group}, committing only by hand. */
    static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap, String group, int partitionFetchBytes) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(partitionFetchBytes));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of the topic, assigned (no group join) and read from the start. */
    static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return parts;
    }

    /** End offsets of the partitions that have records: what is left to drain. */
    static Map<TopicPartition, Long> nonEmptyEnds(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> parts) {
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts));
        end.values().removeIf(v -> v == 0);
        return end;
    }

    private static long decode(JobShape shape, ConsumerRecord<byte[], byte[]> r) throws IOException {
        return switch (shape.input()) {
            case CLICKS, AMOUNTS, VIEWS -> decodeJson(r.value()) + (r.key() == null ? 0 : r.key().length);
            case LINES -> countWords(new String(r.value(), StandardCharsets.UTF_8));
        };
    }

    /** user, ts and (for amounts) amount: the fields the jobs read. */
    private static long decodeJson(byte[] value) throws IOException {
        return decodeJson(value, new long[1]);
    }

    /** As {@link #decodeJson(byte[])}, leaving the record's {@code ts} in {@code ts[0]} (the hand-written baseline). */
    static long decodeJson(byte[] value, long[] ts) throws IOException {
        long sum = 0;
        try (JsonParser p = JSON.createParser(value)) {
            while (p.nextToken() != null) {
                if (p.currentToken() != JsonToken.FIELD_NAME) {
                    continue;
                }
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "user" -> sum += p.getText().hashCode();
                    case "ts" -> {
                        ts[0] = p.getLongValue();
                        sum += ts[0];
                    }
                    case "amount" -> sum += p.getLongValue();
                    default -> p.skipChildren();
                }
            }
        }
        return sum;
    }

    /** Splits on non-word characters and lower-cases, as the word-count job does. */
    private static long countWords(String line) {
        long sum = 0;
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean word = i < line.length() && isWordChar(line.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                sum += line.substring(start, i).toLowerCase(java.util.Locale.ROOT).hashCode();
                start = -1;
            }
        }
        return sum;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
