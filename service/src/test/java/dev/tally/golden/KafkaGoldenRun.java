package dev.tally.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.BatchConfig;
import dev.tally.config.HttpConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.SinkConfig;
import dev.tally.config.SourceConfig;
import dev.tally.config.StateConfig;
import dev.tally.config.TableConfig;
import dev.tally.cli.TableFiles;
import dev.tally.engine.batch.FileRun;
import dev.tally.config.TallyConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.service.TallyService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one golden case through the real service on a real broker: its job with fresh topic names
 * and a 200 ms batch, its input produced in file order into a one-partition topic, then the sink
 * and dead-letter topics read back with read_committed.
 */
final class KafkaGoldenRun {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final long WAIT_MS = 60_000;

    /** What the run left in Kafka: the windows a reader reconstructs, and the dead letters. */
    record Result(List<String> windows, List<String> deadLetters, List<String> problems) {
    }

    private final GoldenCase golden;
    private final EmbeddedKafka kafka = EmbeddedKafka.shared();
    private final JobConfig job;
    private final String source;

    KafkaGoldenRun(GoldenCase golden, JobConfig caseJob) {
        this.golden = golden;
        String name = caseJob.name() + "-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        this.source = "golden-" + name + "-in";
        SourceConfig s = caseJob.source();
        this.job = new JobConfig(name, new SourceConfig(source, s.format(), s.csvColumns(), s.csvDelimiter()),
                caseJob.transform(), caseJob.key(), caseJob.time(), caseJob.window(), caseJob.aggregates(), caseJob.emit(),
                new BatchConfig(Duration.ofMillis(200), caseJob.batch().maxRecords()),
                new SinkConfig("golden-" + name + "-out"), "golden-" + name + "-dlq", caseJob.errors(), 0, 1,
                renamedTables(caseJob, name));
    }

    /** The case's tables on fresh topics of their own. */
    private static Map<String, TableConfig> renamedTables(JobConfig caseJob, String name) {
        Map<String, TableConfig> tables = new LinkedHashMap<>();
        caseJob.tables().forEach((t, c) -> tables.put(t, new TableConfig(t, "golden-" + name + "-table-" + t, c.format(),
                c.history(), c.asOf())));
        return tables;
    }

    /** Each table file into its topic, in file order, each record with its own timestamp; before the job starts. */
    private void produceTables() throws Exception {
        for (Map.Entry<String, Path> t : golden.tables().entrySet()) {
            String topic = job.tables().get(t.getKey()).topic();
            kafka.createTopic(topic, 1, Map.of("retention.ms", "-1"));
            try (KafkaProducer<byte[], byte[]> p = producer()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (FileRun.TableRecord r : TableFiles.read(t.getValue())) {
                    sent.add(p.send(new ProducerRecord<>(topic, 0, r.time(), r.key(), r.value())));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    Result run(Path stateDir) throws Exception {
        kafka.createTopic(source, 1, Map.of("retention.ms", "-1"));
        List<GoldenCase.Line> lines = golden.lines();
        produceTables();
        produce(lines);
        TallyConfig config = new TallyConfig(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StateConfig(stateDir, 64L << 20, "golden-" + job.name()), new HttpConfig(false, "127.0.0.1", 0), List.of(job));
        try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
            service.start();
            awaitDone(service, lines.size());
        }
        List<String> problems = new ArrayList<>();
        List<String> windows = windows(problems);
        return new Result(windows, deadLetters(lines, problems), problems);
    }

    private void produce(List<GoldenCase.Line> lines) throws ExecutionException, InterruptedException {
        String keyField = golden.option("--key-field");
        String timeField = golden.option("--timestamp-field");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            // The idempotent producer keeps the order of sends to a partition, so send all, then check all.
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (GoldenCase.Line line : lines) {
                String key = keyField == null ? null : line.field(keyField);
                Long time = timeField == null ? null : Long.valueOf(line.field(timeField));
                sent.add(p.send(new ProducerRecord<>(source, 0, time, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        line.text().getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /**
     * Done when the job committed offsets past every input (and repartition) record and, for emit
     * final, when as many windows were emitted as expected (the last ones close by idle timeout).
     */
    private void awaitDone(TallyService service, int records) throws Exception {
        JobTopics topics = new JobTopics(job.name());
        int expectedWindows = (int) Files.readAllLines(golden.expected()).stream().filter(l -> !l.isBlank()).count();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            while (true) {
                if (service.anyFailed()) {
                    throw new AssertionError("job failed: " + service.statuses());
                }
                boolean caughtUp = caughtUp(admin, topics, records);
                if (caughtUp && (job.emit() != JobConfig.EmitMode.FINAL
                        || Topics.readCommitted(kafka.bootstrapServers(), job.sink().topic()).size() >= expectedWindows)) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("job did not finish within " + WAIT_MS + " ms: " + service.statuses());
                }
                Thread.sleep(200);
            }
        }
    }

    private boolean caughtUp(Admin admin, JobTopics topics, int records) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(topics.groupId()).partitionsToOffsetAndMetadata().get();
        TopicPartition in = new TopicPartition(source, 0);
        if (committed.get(in) == null || committed.get(in).offset() < records) {
            return false;
        }
        if (!job.key().needsRepartition()) {
            return true;
        }
        TopicPartition re = new TopicPartition(topics.repartition(), 0);
        long end = admin.listOffsets(Map.of(re, OffsetSpec.latest())).all().get().get(re).offset();
        return end == 0 || committed.get(re) != null && committed.get(re).offset() >= end;
    }

    /**
     * The sink topic as a reader keeps it: the last value per window (key and start; key alone for
     * global windows), retracted sessions and tombstoned keys removed. Emit final: a window seen twice
     * is a problem.
     */
    private List<String> windows(List<String> problems) throws Exception {
        Map<String, String> windows = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Topics.readCommitted(kafka.bootstrapServers(), job.sink().topic())) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                windows.remove(key);
                continue;
            }
            JsonNode v = MAPPER.readTree(r.value());
            if (!key.equals(v.path("key").asText())) {
                problems.add("record key " + key + " differs from the value's key: " + v);
            }
            String id = v.has("start") ? key + "\u0000" + v.get("start").asLong() : key;
            if (v.path("retracted").asBoolean(false)) {
                windows.remove(id);
                continue;
            }
            windows.put(id, v.toString());
            if (seen.merge(id, 1, Integer::sum) > 1 && job.emit() == JobConfig.EmitMode.FINAL) {
                problems.add("emit final sent window " + v + " more than once");
            }
        }
        return new ArrayList<>(windows.values());
    }

    /** The dead-letter topic as "LINE REASON", sorted; each record must carry its source and the original bytes. */
    private List<String> deadLetters(List<GoldenCase.Line> lines, List<String> problems) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : Topics.readCommitted(kafka.bootstrapServers(), job.deadLetterTopic())) {
            String topic = header(r, "tally.source.topic");
            int offset = Integer.parseInt(header(r, "tally.source.offset"));
            if (!source.equals(topic) || !"0".equals(header(r, "tally.source.partition")) || !job.name().equals(header(r, "tally.job"))) {
                problems.add("dead letter at offset " + offset + " names source " + topic + "-" + header(r, "tally.source.partition")
                        + " of job " + header(r, "tally.job"));
            }
            if (offset < 0 || offset >= lines.size()) {
                problems.add("dead letter names offset " + offset + " outside the input");
                continue;
            }
            GoldenCase.Line line = lines.get(offset);
            if (!line.text().equals(new String(r.value(), StandardCharsets.UTF_8))) {
                problems.add("dead letter for line " + line.number() + " does not carry the original value");
            }
            out.add(line.number() + " " + header(r, "tally.error.reason"));
        }
        out.sort(null);
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
