package dev.tally.config;

/**
 * Where window results go: a topic, one JSON value per window carrying key, start, end and each
 * aggregate; and optionally a PostgreSQL table that follows the topic exactly once.
 *
 * @param postgres null when the job has no database sink
 */
public record SinkConfig(String topic, PostgresSinkConfig postgres) {
    public SinkConfig(String topic) {
        this(topic, null);
    }
}
