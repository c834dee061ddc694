package dev.tally.state;

import java.util.Map;

/**
 * Versioned tables kept from compacted topics (the global tables jobs look records up in): per
 * table and key, the values it had over time, each valid from its record's timestamp until the
 * next version; a deleted key has a tombstone version. Per table, the topic offsets the stored
 * versions reflect, written in the same atomic batch as the versions, so a restart reads only
 * the topic's tail.
 *
 * <p>Reads may run on other threads while a batch is applied and see it whole or not at all.
 */
public interface TableStore {

    /**
     * The newest version of {@code key} whose time is at or before {@code asOf} (a tombstone
     * version when the key was deleted then), or null when the key had no version by then.
     * Costs at most one seek; the newest version of hot keys is served from the heap.
     */
    TableVersion lookup(String table, String key, long asOf);

    /** A new empty batch of table writes; nothing is visible until {@link #apply(TableWrites)}. */
    TableWrites newWrites();

    /** Applies every version, pruning and offset of the batch atomically. Close the batch afterwards. */
    void apply(TableWrites writes);

    /** The next offset to read per partition of the table's topic, as last applied; empty when never loaded. */
    Map<Integer, Long> offsets(String table);

    /** The largest record time applied to the table, or {@link Long#MIN_VALUE} when it is empty. */
    long newestTime(String table);

    /** Approximate number of stored versions of the table (a live key has at least one). */
    long approximateVersions(String table);
}
