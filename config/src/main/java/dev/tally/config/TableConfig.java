package dev.tally.config;

import java.time.Duration;

/**
 * A table a job looks records up in: every instance keeps the whole topic locally (a global
 * table), one record per key, the latest by offset; a null value (tombstone) deletes the key.
 *
 * @param name    what {@code lookup.table} calls it
 * @param topic   the compacted topic keyed by the lookup key
 * @param history how far behind the table's newest record a lookup by event time may ask (older is a miss)
 * @param asOf    whose time a lookup uses: the record's own time (deterministic) or the latest value
 */
public record TableConfig(String name, String topic, SourceConfig.Format format, Duration history, AsOf asOf) {
    public static final Duration DEFAULT_HISTORY = Duration.ofHours(1);

    /** {@code event}: the version valid at the record's time (replays enrich the same way); {@code latest}: the newest. */
    public enum AsOf { EVENT, LATEST }
}
