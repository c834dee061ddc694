package dev.tally.config;

/** Where window results go: a topic, one JSON value per window carrying key, start, end and each aggregate. */
public record SinkConfig(String topic) {
}
