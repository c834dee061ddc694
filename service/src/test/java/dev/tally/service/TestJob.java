package dev.tally.service;

import dev.tally.broker.EmbeddedKafka;

import java.util.Map;
import java.util.UUID;

/**
 * A job's name and its topics on the shared embedded broker, with its input topic created (kept
 * for ever: retention -1). {@link #unique} names are fresh per call, so tests never see each
 * other's groups or records.
 */
public record TestJob(EmbeddedKafka kafka, String name, String input, String output) {

    /** {@code PREFIX-<id>} reading {@code PREFIX-in-<id>} and writing {@code PREFIX-<id>-out}. */
    public static TestJob unique(String prefix, int partitions) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        return create(prefix + "-" + id, prefix + "-in-" + id, prefix + "-" + id + "-out", partitions);
    }

    /** The word-count jobs: {@code NAME} reading {@code NAME-lines} and writing {@code NAME-counts}. */
    static TestJob wordCount(String name) {
        return create(name, name + "-lines", name + "-counts", WordCountFixture.PARTITIONS);
    }

    private static TestJob create(String name, String input, String output, int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.createTopic(input, partitions, Map.of("retention.ms", "-1"));
        return new TestJob(kafka, name, input, output);
    }

    /** The job's consumer group. */
    public String group() {
        return "tally-" + name;
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }
}
