package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The word-count job of issue #2 and an independent model of what it must output: the words of a
 * line and the hopping windows holding a time are computed here from first principles, never with
 * Tally's own code, so a bug in Tally's maths cannot hide in the expectation.
 */
final class WordCountFixture {
    static final long SIZE_MS = 30_000;
    static final long SLIDE_MS = 10_000;
    static final int PARTITIONS = 3;
    /** Event times start here: a multiple of the slide, in the past, so nothing depends on the wall clock. */
    static final long BASE_TS = 1_700_000_000_000L;

    private static final String[] VOCABULARY = {
        "Kafka", "stream", "window", "Count", "word", "tally", "batch", "commit", "offset", "ROCKS",
        "state", "pane", "grace", "hop", "slide", "exactly", "once", "crash", "restore", "log",
        "topic", "key", "value", "event", "time", "watermark", "emit", "final", "changes", "x"};
    private static final String[] SEPARATORS = {" ", ", ", "! ", " -- ", "... ", "\t", " (", ") ", "?"};

    private WordCountFixture() {
    }

    /** One (word, window start) cell of the expected output. */
    record Cell(String word, long start) {
    }

    /** One input line with its event time. */
    record Line(String text, long ts) {
        String json() {
            StringBuilder b = new StringBuilder("{\"line\":\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\t' -> b.append("\\t");
                    default -> b.append(c);
                }
            }
            return b.append("\",\"ts\":").append(ts).append('}').toString();
        }
    }

    static String jobYaml(String bootstrap, String stateDir, String job, String source, String sink,
                          String emit, String grace) {
        return """
                kafka:
                  bootstrap.servers: %s
                state:
                  dir: %s
                http:
                  port: 0
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    transform:
                      - split: { field: line, pattern: '\\W+', as: word }
                      - lowercase: word
                      - filter: "word != ''"
                    key: word
                    time: { type: event, field: ts, grace: %s }
                    window: { type: hopping, size: 30s, slide: 10s }
                    aggregates:
                      count: count
                    emit: %s
                    batch: { interval: 200ms, max-records: 300 }
                    sink: { topic: %s }
                """.formatted(bootstrap, stateDir, job, source, grace, emit, sink);
    }

    /** {@code n} lines, event times rising by {@code stepMs} from {@link #BASE_TS}, with mixed case, punctuation and empty tokens. */
    static List<Line> lines(int n, long stepMs, long seed) {
        Random random = new Random(seed);
        List<Line> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            if (random.nextInt(4) == 0) {
                b.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            int words = 1 + random.nextInt(8);
            for (int w = 0; w < words; w++) {
                String word = VOCABULARY[random.nextInt(VOCABULARY.length)];
                b.append(random.nextBoolean() ? word : word.toLowerCase(Locale.ROOT));
                b.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            lines.add(new Line(b.toString(), BASE_TS + i * stepMs));
        }
        return lines;
    }

    /** The words of a line as the job defines them: split on runs of non-word characters, lower-cased, no empty words. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i <= line.length(); i++) {
            char c = i < line.length() ? line.charAt(i) : ' ';
            boolean wordChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (wordChar) {
                w.append(Character.toLowerCase(c));
            } else if (w.length() > 0) {
                words.add(w.toString());
                w.setLength(0);
            }
        }
        return words;
    }

    /** Count per (word, window): every hopping window [start, start + 30s) with start a multiple of 10s that holds ts. */
    static Map<Cell, Long> expectedCounts(List<Line> lines) {
        Map<Cell, Long> counts = new HashMap<>();
        for (Line line : lines) {
            for (String word : words(line.text())) {
                for (long start = line.ts() - Math.floorMod(line.ts(), SLIDE_MS); start > line.ts() - SIZE_MS; start -= SLIDE_MS) {
                    counts.merge(new Cell(word, start), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    /**
     * One word per partition of the repartition topic (same default partitioner: murmur2 of the key),
     * so a line of them moves the stream time of every aggregate task.
     */
    static List<String> flushWords(int partitions) {
        String[] found = new String[partitions];
        int left = partitions;
        for (int i = 0; left > 0; i++) {
            String w = "zzflush" + i;
            int p = Utils.toPositive(Utils.murmur2(w.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (found[p] == null) {
                found[p] = w;
                left--;
            }
        }
        return List.of(found);
    }

    /** Event time of the flush line: far enough after the last line that the watermark passes the end of every real window. */
    static long flushTime(List<Line> lines, long graceMs) {
        return lines.get(lines.size() - 1).ts() + SIZE_MS + SLIDE_MS + graceMs + 1;
    }

    /**
     * A line far ahead in event time into every source partition: a repartition task's time is the
     * minimum over source partitions, so each of them must move past the last windows.
     */
    static void sendFlushLine(KafkaProducer<String, String> producer, String topic, List<Line> lines, long graceMs) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            sent.add(producer.send(record(topic, p, new Line(String.join(" ", flushWords(PARTITIONS)), flushTime(lines, graceMs)))));
        }
        producer.flush();
        requireAcknowledged(sent);
    }

    /**
     * Fails when a record sent was not acknowledged: an oracle counting every input line must fail
     * on the lost send, not later as a count too low. (Input that may need a resend without
     * duplicates goes through {@link TransactionalInput}.)
     */
    static void requireAcknowledged(List<Future<RecordMetadata>> sent) {
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("an input record was not written", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing input", e);
            }
        }
    }

    static boolean isFlushWord(String word) {
        return word.startsWith("zzflush");
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /**
     * Writes the lines in event-time order, a few at a time, never more than {@code maxLag} lines
     * ahead of what the job committed, and never past {@code limit} (raised by the caller as it
     * goes). The job's batches then span little event time however slow the machine is: a batch
     * spanning more than the grace could make its own records late, as partial aggregates leave a
     * batch in no particular time order.
     */
    static final class Writer implements Runnable {
        private final KafkaProducer<String, String> producer;
        private final Admin admin;
        private final String group;
        private final String topic;
        private final List<Line> lines;
        private final int maxLag;
        private volatile int limit;
        private volatile int written;

        Writer(KafkaProducer<String, String> producer, Admin admin, String group, String topic, List<Line> lines, int maxLag) {
            this.producer = producer;
            this.admin = admin;
            this.group = group;
            this.topic = topic;
            this.lines = lines;
            this.maxLag = maxLag;
            this.limit = lines.size();
        }

        void limit(int lines) {
            this.limit = lines;
        }

        int written() {
            return written;
        }

        @Override
        public void run() {
            try {
                int i = 0;
                while (i < lines.size()) {
                    if (i >= limit || i - committedSum(admin, group, topic) >= maxLag) {
                        Thread.sleep(50);
                        continue;
                    }
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int end = Math.min(i + 5, lines.size()); i < end; i++) {
                        sent.add(producer.send(record(topic, i, lines.get(i))));
                    }
                    producer.flush();
                    requireAcknowledged(sent);
                    written = i;
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing input", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot read the job's progress", e.getCause());
            }
        }
    }

    /** Round-robin over the source partitions, so each partition sees event time in order. */
    static ProducerRecord<String, String> record(String topic, int index, Line line) {
        return new ProducerRecord<>(topic, index % PARTITIONS, null, line.json());
    }

    static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** Sum of the end offsets of a topic's partitions (for a fresh topic: records plus transaction markers). */
    static long totalEndOffset(Admin admin, String topic, int partitions) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long sum = 0;
        for (ListOffsetsResult.ListOffsetsResultInfo info : admin.listOffsets(specs).all().get().values()) {
            sum += info.offset();
        }
        return sum;
    }

    /** True once the job's group committed, for every source partition, the partition's end offset. */
    static boolean sourceConsumed(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(specs).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) {
                return false;
            }
        }
        return true;
    }

    /**
     * True once the job's consumer owns every partition of the source and repartition topics. Input
     * written before that piles up, and a first batch spanning more event time than the grace
     * would make some of its own records late.
     */
    static boolean assigned(Admin admin, String group) throws ExecutionException, InterruptedException {
        ConsumerGroupDescription d;
        try {
            d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
        long owned = d.members().stream().mapToLong(m -> m.assignment().topicPartitions().size()).sum();
        return owned == 2L * PARTITIONS;
    }

    /** Sum of the offsets the job's group committed on a topic (progress of the job). */
    static long committedSum(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Polls the check every 100 ms until it holds (true) or the timeout passed (false). */
    static boolean eventually(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** A condition that may talk to Kafka. */
    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }
}
