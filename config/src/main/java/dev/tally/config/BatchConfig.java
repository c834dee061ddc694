package dev.tally.config;

import java.time.Duration;

/** A batch ends when {@code interval} of polling has passed or {@code maxRecords} were read. */
public record BatchConfig(Duration interval, int maxRecords) {
}
