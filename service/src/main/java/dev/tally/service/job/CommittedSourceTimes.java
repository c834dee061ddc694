package dev.tally.service.job;

import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.batch.SourceTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The time every source partition committed, read from the job's consumer group (each batch
 * commits a partition's time with its offset). An idle source partition reads it to find the
 * slowest partition that is not idle, wherever in the group that partition is processed. Read at
 * most once a second, and only while some partition here is idle.
 */
final class CommittedSourceTimes implements SourceTime.Peers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommittedSourceTimes.class);
    private static final long REFRESH_MS = 1_000;

    private final KafkaClientSettings settings;
    private final String groupId;
    private final String sourceTopic;
    private Admin admin;
    private Map<TopicPartition, OffsetAndMetadata> offsets = Map.of();
    private long fetchedAt = Long.MIN_VALUE;

    CommittedSourceTimes(KafkaClientSettings settings, String groupId, String sourceTopic) {
        this.settings = settings;
        this.groupId = groupId;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public String state(int partition) {
        long now = System.currentTimeMillis();
        if (now - fetchedAt >= REFRESH_MS) {
            fetchedAt = now;
            fetch();
        }
        OffsetAndMetadata o = offsets.get(new TopicPartition(sourceTopic, partition));
        return o == null ? null : o.metadata();
    }

    private void fetch() {
        try {
            if (admin == null) {
                admin = JobTopics.admin(settings.admin());
            }
            // Stable offsets are not required: a pending batch's time is not needed, only a recent one.
            offsets = admin.listConsumerGroupOffsets(groupId, new ListConsumerGroupOffsetsOptions().requireStable(false))
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The idle partition waits for the next try; time only stays behind meanwhile.
            log.debug("committed source times not readable: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
