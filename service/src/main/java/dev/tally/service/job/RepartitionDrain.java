package dev.tally.service.job;

import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code errors: fail} met a bad record in a job that repartitions. The partial aggregates of the
 * records before it are committed in the repartition topic; they are turned into output before the
 * job stops, or those records would be consumed but never counted. The source is paused, and the
 * repartition records after the bad one in the same poll (not processed) are rewound.
 */
final class RepartitionDrain {
    private final Consumer<byte[], byte[]> consumer;
    private final KafkaClientSettings settings;
    private final String repartitionTopic;
    private final String message;

    RepartitionDrain(Consumer<byte[], byte[]> consumer, ConsumedPositions positions, KafkaClientSettings settings,
                     String repartitionTopic, String sourceTopic, String message) {
        this.consumer = consumer;
        this.settings = settings;
        this.repartitionTopic = repartitionTopic;
        this.message = message;
        List<TopicPartition> source = new ArrayList<>();
        List<TopicPartition> repartition = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            (tp.topic().equals(sourceTopic) ? source : repartition).add(tp);
        }
        consumer.pause(source);
        positions.rewind(repartition);
    }

    /** Why the job stops. */
    String message() {
        return message;
    }

    /**
     * Drained once the position reached the high watermark: the last stable offset may still lag
     * the markers of the transaction just committed, and would report "nothing left" too early.
     */
    boolean done() throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        consumer.assignment().stream().filter(tp -> tp.topic().equals(repartitionTopic))
                .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try (Admin admin = JobTopics.admin(settings.admin())) {
            var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            return latest.keySet().stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp).offset());
        } catch (ExecutionException e) {
            // Not drained as far as we can tell; the next batch asks again.
            return false;
        }
    }
}
