package dev.tally.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the broker says about a run: how far its group committed, and what it wrote. */
final class BrokerView {

    private final Admin admin;
    private final String bootstrapServers;

    BrokerView(Admin admin, String bootstrapServers) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
    }

    /** Records a read_committed reader sees in {@code topic}; 0 if it does not exist. */
    long committedRecords(String topic) throws ExecutionException, InterruptedException {
        if (!admin.listTopics().names().get().contains(topic)) {
            return 0;
        }
        Map<TopicPartition, Long> ends = endOffsets(List.of(topic));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long n = 0;
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    && System.nanoTime() < deadline) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }

    /** Last stable offsets: the end a read_committed reader can reach. */
    Map<TopicPartition, Long> endOffsets(Collection<String> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    Map<TopicPartition, Long> committed(String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    /** Sum of committed offsets of {@code topic}: a number that grows while the group makes progress. */
    long committedSum(String group, String topic) throws ExecutionException, InterruptedException {
        return committed(group).entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * True once the group committed the whole input and drained its repartition topics. A
     * transactional writer leaves a commit marker after its last record, so a repartition
     * partition one short of its end is drained.
     */
    boolean caughtUp(String group, Map<TopicPartition, Long> inputEnds, Predicate<String> repartition)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> committed = committed(group);
        for (var e : inputEnds.entrySet()) {
            if (e.getValue() > 0 && committed.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        List<String> internal = admin.listTopics().names().get().stream().filter(repartition).toList();
        if (internal.isEmpty()) {
            return true;
        }
        for (var e : endOffsets(internal).entrySet()) {
            if (e.getValue() > 0 && committed.getOrDefault(e.getKey(), -1L) < e.getValue() - 1) {
                return false;
            }
        }
        return true;
    }

    /** Bytes on disk of every partition of the matching topics, over all brokers. */
    long logBytes(Predicate<String> topics) throws ExecutionException, InterruptedException {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
        long sum = 0;
        for (var perBroker : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var dir : perBroker.values()) {
                for (var r : dir.replicaInfos().entrySet()) {
                    if (topics.test(r.getKey().topic())) {
                        sum += r.getValue().size();
                    }
                }
            }
        }
        return sum;
    }
}
