package dev.tally.config;

import java.time.Duration;

/**
 * Which time a record belongs to, and how long windows wait for stragglers.
 *
 * @param field       event-time field (only for {@code EVENT})
 * @param grace       watermark = stream time - grace; a window closes when the watermark passes its end
 * @param idleTimeout when set, a task with no new records for this long has its stream time advanced
 *                    by the wall clock, so its last windows close; null = never
 */
public record TimeConfig(Type type, String field, Format format, Duration grace, Duration idleTimeout) {
    public enum Type { EVENT, LOG_APPEND, PROCESSING }

    public enum Format { EPOCH_MILLIS, EPOCH_SECONDS, ISO_8601 }
}
