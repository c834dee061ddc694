package dev.tally.service.job;

import dev.tally.engine.batch.RepartitionSource;
import dev.tally.service.metrics.JobMetrics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The thread's transactional producer, and what happens after a batch failed: drop the open batch,
 * make the producer usable again per the failure's class, and re-read the truth from Kafka (local
 * state from the changelog, since a batch whose outcome was unknown may have committed; positions
 * and source time from the group's committed offsets).
 */
final class BatchRecovery {
    private static final Logger log = LoggerFactory.getLogger(BatchRecovery.class);

    private final String job;
    private final JobMetrics metrics;
    private final TaskManager tasks;
    private final RecordRouter router;
    private final RepartitionSource source;
    private final KafkaWaits waits;
    private JobClients clients;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private long backoffMs = 100;

    BatchRecovery(String job, JobMetrics metrics, TaskManager tasks, RecordRouter router, RepartitionSource source,
                  KafkaWaits waits) {
        this.job = job;
        this.metrics = metrics;
        this.tasks = tasks;
        this.router = router;
        this.source = source;
        this.waits = waits;
    }

    void bind(JobClients clients) {
        this.clients = clients;
        this.consumer = clients.consumer;
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** A batch committed: the next failure starts its backoff afresh. */
    void committed() {
        backoffMs = 100;
    }

    void dropOpenBatch() {
        router.clear();
        if (source != null) {
            source.rollback();
        }
    }

    /**
     * Aborted: back off and retry; fenced or broken: a new producer, and rejoin; unknown outcome:
     * never abort, a new producer (its initTransactions resolves the old transaction).
     */
    void recover(BatchCommitter.Result failed) throws InterruptedException {
        metrics.transactionsAborted.increment();
        log.warn("job {}: batch dropped ({}), recovering", job, failed.cause() == null ? failed.outcome() : failed.cause().getMessage());
        dropOpenBatch();
        if (failed.outcome() == BatchCommitter.Outcome.ABORTED) {
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 5_000);
        } else {
            producer.close(Duration.ZERO);
            producer = clients.newProducer();
        }
        tasks.restartAll();
        tasks.rewind(consumer.assignment());
        if (failed.outcome() == BatchCommitter.Outcome.FENCED) {
            consumer.enforceRebalance("producer fenced or broken: " + failed.cause());
        }
    }

    /** The first producer; after the broker was unreachable, a new one, and the tasks start over from what Kafka has. */
    void startOverAfterOutage() {
        if (producer != null && !waits.inOutage()) {
            return;
        }
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
        producer = clients.newProducer();
        if (waits.inOutage()) {
            tasks.restartAll();
            tasks.rewind(consumer.assignment());
            waits.resumed();
        }
    }

    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
