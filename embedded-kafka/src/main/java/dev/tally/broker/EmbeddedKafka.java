package dev.tally.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real single-node Kafka (KRaft, combined broker+controller) running inside this JVM, bound to
 * 127.0.0.1 only. Used by the demo, every module's tests, the benchmark and the chaos harness.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final long TOPIC_READY_TIMEOUT_MS = 30_000;
    private static EmbeddedKafka shared;

    private final KafkaNode node;
    private final boolean ownsDir;
    /** A containerised broker (-Ptestcontainers) instead of the in-process one; null normally. */
    private final AutoCloseable container;
    private final String containerBootstrap;
    private boolean closed;

    private EmbeddedKafka(KafkaNode node, boolean ownsDir) {
        this.node = node;
        this.ownsDir = ownsDir;
        this.container = null;
        this.containerBootstrap = null;
    }

    private EmbeddedKafka(AutoCloseable container, String bootstrap) {
        this.node = null;
        this.ownsDir = false;
        this.container = container;
        this.containerBootstrap = bootstrap;
    }

    /**
     * Starts a broker on {@code dataDir} (created if absent, reused with its data if already formatted).
     * {@code port} 0 picks a free port; {@code extraBrokerProps} override the defaults.
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> extraBrokerProps) {
        return start(dataDir, port, extraBrokerProps, false);
    }

    /** Starts a broker in a fresh temp dir on a free port; the dir is deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("tally-kafka-"), 0, Map.of(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create temp dir for Kafka", e);
        }
    }

    /** One broker per JVM, started on first use and closed by a shutdown hook; do not close it yourself. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            EmbeddedKafka kafka = "testcontainers".equals(System.getProperty("tally.test.broker")) ? container() : start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "tally-shared-kafka-shutdown"));
            shared = kafka;
        }
        return shared;
    }

    /**
     * With {@code -Ptestcontainers} (a Docker engine present) the shared broker is a container; the
     * class doing it is compiled only in that profile, so it is looked up by name.
     */
    private static EmbeddedKafka container() {
        try {
            Object broker = Class.forName("dev.tally.broker.ContainerBroker").getConstructor().newInstance();
            String bootstrap = (String) broker.getClass().getMethod("bootstrapServers").invoke(broker);
            return new EmbeddedKafka((AutoCloseable) broker, bootstrap);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("-Ptestcontainers needs Docker and the profile's ContainerBroker: " + e, e);
        }
    }

    private static EmbeddedKafka start(Path dataDir, int port, Map<String, String> extra, boolean ownsDir) {
        KafkaNode node = new KafkaNode(BrokerSettings.forDir(dataDir, port, extra));
        try {
            node.start();
        } catch (RuntimeException e) {
            if (ownsDir) {
                deleteRecursively(dataDir);
            }
            throw e;
        }
        return new EmbeddedKafka(node, ownsDir);
    }

    public String bootstrapServers() {
        return container != null ? containerBootstrap : node.settings().bootstrapServers();
    }

    /**
     * Creates a topic and returns once every partition's leader serves it. Idempotent: an existing topic
     * with the same partition count is accepted, so a demo can rerun against a kept data dir.
     */
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TOPIC_READY_TIMEOUT_MS))) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(topicConfigs);
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            }
            awaitLeaders(admin, name, partitions);
            awaitServing(admin, name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private static void awaitLeaders(Admin admin, String name, int partitions) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TOPIC_READY_TIMEOUT_MS;
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
                if (d.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + name + " exists with "
                            + d.partitions().size() + " partitions, wanted " + partitions);
                }
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // The broker's metadata cache may lag the controller by a moment after creation.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic " + name, e.getCause());
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leaders after " + TOPIC_READY_TIMEOUT_MS + " ms");
            }
            Thread.sleep(20);
        }
    }

    /**
     * The broker publishes a new topic's leaders in its metadata before its replica manager has made
     * each partition's log, and answers NOT_LEADER_OR_FOLLOWER to a produce in between. An
     * idempotent producer whose first batch of a partition got that answer while its second was
     * appended then retries the first with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms
     * expires it (KAFKA-15591, fixed in brokers from 4.5): records lost. A ListOffsets is answered
     * by the partition's leader log only, so once it succeeds for every partition, produces do too.
     */
    private static void awaitServing(Admin admin, String name, int partitions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(name, p), OffsetSpec.latest());
        }
        long deadline = System.currentTimeMillis() + TOPIC_READY_TIMEOUT_MS;
        while (true) {
            try {
                admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(2_000)).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException("cannot list offsets of topic " + name, e.getCause());
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("topic " + name + " is not served after " + TOPIC_READY_TIMEOUT_MS + " ms",
                            e.getCause());
                }
            }
            Thread.sleep(20);
        }
    }

    /** Shuts the broker down cleanly, keeping its data and port for {@link #restart()}. */
    public synchronized void stop() {
        requireInProcess();
        node.stop();
    }

    /** Starts the broker again on the same port and data; returns when it serves requests. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        requireInProcess();
        node.stop();
        node.start();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (container != null) {
            try {
                container.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the Kafka container", e);
            }
            return;
        }
        node.stop();
        if (ownsDir) {
            deleteRecursively(node.settings().dataDir);
        }
    }

    /** Stopping and restarting is for the in-process broker; a container is managed by Testcontainers. */
    private void requireInProcess() {
        if (container != null) {
            throw new UnsupportedOperationException("stop/restart need the in-process broker, not -Ptestcontainers");
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
