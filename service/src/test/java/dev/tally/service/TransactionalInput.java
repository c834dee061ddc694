package dev.tally.service;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes a test's input so that every record counts exactly once, even when a send fails: one
 * transaction per {@link #send} chunk. When a record of the chunk is not acknowledged, the
 * transaction was never asked to commit; the producer is replaced by a new one with the same
 * transactional.id, whose initTransactions aborts the open transaction, and the whole chunk is sent
 * again. The job reads its source read_committed, so it sees the chunk once or not at all, and an
 * oracle counting every input record stays right. A commit that fails after every record was
 * acknowledged may have committed nonetheless, so it is not retried: the test fails instead.
 */
final class TransactionalInput implements AutoCloseable {
    private static final int ATTEMPTS = 4;
    /** Short, so that a stuck send leaves time for the retries within a test's waits. */
    private static final int DELIVERY_TIMEOUT_MS = 30_000;

    private final String bootstrap;
    private final String transactionalId;
    private KafkaProducer<String, String> producer;
    private int retries;

    TransactionalInput(String bootstrap, String transactionalId) {
        this.bootstrap = bootstrap;
        this.transactionalId = transactionalId;
        this.producer = open();
    }

    /** Sends the records in one transaction and returns once it committed; retries a failed chunk whole. */
    void send(List<ProducerRecord<String, String>> records) {
        for (int attempt = 1; ; attempt++) {
            Exception failure = sendOnce(records);
            if (failure == null) {
                producer.commitTransaction();
                return;
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("test input to " + transactionalId + ": " + records.size()
                        + " records not acknowledged in " + ATTEMPTS + " attempts", failure);
            }
            retries++;
            System.err.printf("test input %s: %d records not acknowledged on attempt %d (%s); aborting the transaction"
                    + " with a new producer and sending them again%n", transactionalId, records.size(), attempt,
                    failure.getCause() == null ? failure : failure + ", caused by " + failure.getCause());
            producer.close(Duration.ofSeconds(5));
            producer = open();
        }
    }

    /** How many chunks had to be sent again: a test may report it. */
    int retries() {
        return retries;
    }

    /** The first failure of the chunk's sends, or null once every record is acknowledged (not yet committed). */
    private Exception sendOnce(List<ProducerRecord<String, String>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, String> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
        } catch (KafkaException e) {
            return e;
        }
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                return (Exception) e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing test input", e);
            }
        }
        return null;
    }

    private KafkaProducer<String, String> open() {
        KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        p.initTransactions();
        return p;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
