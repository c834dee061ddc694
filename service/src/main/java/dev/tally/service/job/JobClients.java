package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.batch.JobPlan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The Kafka side of one processing thread of a job: its topics (created with settings derived from
 * the job), its processing consumer, restore consumer and transactional producer. Opened when the
 * thread starts, closed when it stops.
 */
final class JobClients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobClients.class);

    final KafkaConsumer<byte[], byte[]> consumer;
    final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final KafkaClientSettings settings;
    private final String transactionalId;
    private final int transactionTimeoutMs;
    private final String job;

    /** {@code memberId}: this thread's group.instance.id, which also names its transactional.id. */
    JobClients(JobConfig job, KafkaClientSettings settings, JobTopics topics, String memberId) {
        this.job = job.name();
        this.settings = settings;
        this.transactionalId = "tally-" + job.name() + "-" + memberId;
        this.transactionTimeoutMs = (int) Math.max(10_000, 5 * job.batch().interval().toMillis());
        this.restoreConsumer = new KafkaConsumer<>(settings.restoreConsumer(memberId + "-" + job.name() + "-restore"));
        this.consumer = new KafkaConsumer<>(settings.processingConsumer(topics.groupId(), memberId));
    }

    /** Creates what is missing of the job's topics; internal topics get as many partitions as the source. */
    static void createTopics(KafkaClientSettings settings, JobConfig job, JobPlan plan, JobTopics topics)
            throws InterruptedException {
        try (Admin admin = JobTopics.admin(settings.admin())) {
            int partitions = JobTopics.partitions(admin, job.source().topic());
            if (job.key().needsRepartition()) {
                JobTopics.ensure(admin, topics.repartition(), partitions,
                        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
            }
            long retention = plan.retentionMs() < 0 ? -1 : Duration.ofDays(7).toMillis() + plan.retentionMs();
            JobTopics.ensure(admin, topics.changelog(), partitions, JobTopics.changelogConfigs(retention));
            JobTopics.ensure(admin, job.deadLetterTopic(), partitions, Map.of());
            JobTopics.ensure(admin, job.sink().topic(), partitions, Map.of());
        }
    }

    /** A new transactional producer; its initTransactions() fences an older one and resolves its open transaction. */
    KafkaProducer<byte[], byte[]> newProducer() {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.transactionalProducer(transactionalId, transactionTimeoutMs));
        p.initTransactions();
        return p;
    }

    /**
     * The group coordinator answered a heartbeat within the session timeout: with the broker down
     * the job keeps retrying, but reports not-ready until it is back.
     */
    boolean coordinatorReachable(long sessionTimeoutMs) {
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> m
                : consumer.metrics().entrySet()) {
            if (m.getKey().name().equals("last-heartbeat-seconds-ago")) {
                Object v = m.getValue().metricValue();
                return !(v instanceof Double ago) || ago * 1000 < sessionTimeoutMs;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            // Leave the group on a clean stop, so a scale-down moves partitions at once.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.warn("job {}: closing the consumer: {}", job, e.toString());
        }
        restoreConsumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
}
