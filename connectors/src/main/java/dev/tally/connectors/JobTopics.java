package dev.tally.connectors;

import dev.tally.config.JobConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * The topics of one job: the user's source and sink, and Tally's internal repartition and
 * changelog topics, created on start with settings derived from the job (never separate knobs).
 */
public final class JobTopics {
    private final String job;

    public JobTopics(String job) {
        this.job = job;
    }

    public String repartition() {
        return "tally-" + job + "-repartition";
    }

    public String changelog() {
        return "tally-" + job + "-changelog";
    }

    /**
     * The topic whose partitions are the job's tasks: the source, or the repartition topic when
     * records are re-keyed (each task then owns a partition of the repartition topic).
     */
    public String tasks(JobConfig job) {
        return job.key().needsRepartition() ? repartition() : job.source().topic();
    }

    public String groupId() {
        return "tally-" + job;
    }

    /** Partition count of an existing topic; fails clearly when the source topic does not exist. */
    public static int partitions(Admin admin, String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("topic " + topic + " does not exist", e.getCause());
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Creates the topic if absent, and then waits (up to 30 s) until its partitions take writes. */
    public static void ensure(Admin admin, String topic, int partitions, Map<String, String> configs)
            throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1).configs(configs))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
            return;
        }
        awaitServing(admin, topic, partitions);
    }

    /**
     * A broker before 4.5 publishes a new topic's leaders before their logs exist and bounces a
     * produce in between; the producer's first batch of a partition can then be retried with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-15591). Our transactional producer would
     * recover, but only after a failed batch and its timeout, so the first batch waits here instead,
     * until every partition's leader answers a ListOffsets. On a slow broker it goes on after 30 s.
     */
    private static void awaitServing(Admin admin, String topic, int partitions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                // Leaders in the metadata first: a ListOffsets for a topic the metadata does not have
                // yet makes the admin client log an ERROR per partition.
                if (hasLeaders(admin, topic, partitions)) {
                    admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(2_000)).all().get();
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    // Not a matter of waiting (e.g. no Describe permission): the first produce tells.
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    private static boolean hasLeaders(Admin admin, String topic, int partitions)
            throws InterruptedException, ExecutionException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().size() == partitions
                    && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Changelog: compacted for the latest value of each pane, and deleted by age once every window
     * holding a pane has closed, so no per-pane tombstone is needed when panes expire. A negative
     * retention (global windows: state lives until its key goes idle) keeps it compacted only.
     */
    public static Map<String, String> changelogConfigs(long retentionMs) {
        if (retentionMs < 0) {
            return Map.of("cleanup.policy", "compact");
        }
        return Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(retentionMs));
    }

    public static Admin admin(Properties props) {
        return Admin.create(props);
    }
}
