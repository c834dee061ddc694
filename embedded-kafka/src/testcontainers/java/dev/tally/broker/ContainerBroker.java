package dev.tally.broker;

import org.testcontainers.kafka.KafkaContainer;

/**
 * The shared test broker as a container, for machines with a Docker engine
 * ({@code mvn verify -Ptestcontainers}). Compiled only in that profile; found by name from
 * {@link EmbeddedKafka#shared()}, so the default build needs neither Docker nor Testcontainers.
 */
public final class ContainerBroker implements AutoCloseable {
    private final KafkaContainer container;

    public ContainerBroker() {
        container = new KafkaContainer("apache/kafka:4.1.0")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
    }

    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
