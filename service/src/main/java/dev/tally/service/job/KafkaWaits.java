package dev.tally.service.job;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * What heals by itself is waited out, not failed on (Kafka Streams' {@code task.timeout.ms} idea):
 * a source topic that does not exist yet, a topic too new for the client's metadata, a broker that
 * does not answer while a job starts or recovers. The job is not ready meanwhile, says why once,
 * and tries again with backoff.
 */
final class KafkaWaits {
    private static final Logger log = LoggerFactory.getLogger(KafkaWaits.class);

    private final String job;
    private final JobStatus status;
    private final BooleanSupplier stopping;
    private boolean outage;
    private long backoffMs = 500;

    KafkaWaits(String job, JobStatus status, BooleanSupplier stopping) {
        this.job = job;
        this.status = status;
        this.stopping = stopping;
    }

    /** Until the job's topics exist (the source topic is the user's to create; the others are made here). */
    void awaitTopics(JobRunner.TopicCreation creation) throws InterruptedException {
        long wait = 500;
        String said = null;
        while (!stopping.getAsBoolean()) {
            try {
                creation.ensure();
                if (said != null) {
                    log.info("job {}: its topics are there now", job);
                }
                return;
            } catch (IllegalStateException | KafkaException e) {
                String why = e.getMessage();
                if (!why.equals(said)) {
                    log.warn("job {}: not ready: {}; waiting for it", job, why);
                    said = why;
                }
                status.waiting(why);
                Thread.sleep(wait);
                wait = Math.min(wait * 2, 5_000);
            }
        }
    }

    /** A topic just created may be missing from the client's metadata for a moment: ask until it is there. */
    int partitionCount(Consumer<byte[], byte[]> consumer, String topic) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            int n = consumer.partitionsFor(topic).size();
            if (n > 0) {
                return n;
            }
            if (stopping.getAsBoolean() || attempt >= 300) {
                throw new TimeoutException("no partitions known for topic " + topic);
            }
            Thread.sleep(100);
        }
    }

    /** Kafka did not answer in time: not ready, and wait before the loop starts over. */
    void unreachable(RuntimeException e) throws InterruptedException {
        if (!outage) {
            log.warn("job {}: not ready: Kafka did not answer ({}); retrying with backoff", job, e.getMessage());
        }
        outage = true;
        status.ready(false);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 10_000);
    }

    /** The loop must start over from what Kafka has (new producer, tasks restored, positions rewound). */
    boolean inOutage() {
        return outage;
    }

    /** Starting over worked. */
    void resumed() {
        outage = false;
        backoffMs = 500;
        log.info("job {}: Kafka answers again; restoring and resuming", job);
    }
}
