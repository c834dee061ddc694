package dev.tally.config;

/** The one HTTP port: metrics, health, jobs and pull queries. Port 0 picks a free port. */
public record HttpConfig(boolean enabled, String bind, int port) {
}
