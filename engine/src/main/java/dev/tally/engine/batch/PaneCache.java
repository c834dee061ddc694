package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The heap's bounded cache of hot panes of one task: the committed full value of recent
 * (pane, key)s, so a steady-state batch reads neither RocksDB for the panes it updates nor for
 * the windows it emits. Values are shared: callers copy before they mutate.
 *
 * <p>The cache is authoritative from {@link #authoritativeFrom}: every pane at or after it that
 * exists in the store is also here, so a miss there means "absent" without a store read. That
 * holds for panes after the task's stream time at start (the store cannot have them) until
 * eviction, which drops the oldest panes first and moves the boundary past them.
 *
 * <p>Entries are charged to the process's {@link HotPaneBudget} by an estimate of their heap size
 * (twice the encoded value, plus the key and the map entry), once, when the key enters the pane: a
 * replaced value is assumed to weigh the same (a per-key size map cost more than it was worth on
 * the hot path). {@link #release} gives it all back when the task goes away.
 */
final class PaneCache {
    private final TreeMap<Long, HashMap<String, Accumulator[]>> panes = new TreeMap<>();
    /**
     * Direct-mapped memo of {@link #panes}' lookups: emitting a window reads each of its panes
     * for every key, and a tree walk per read was a seventh of a hopping job's time (profiled).
     */
    private final long[] memoPane = new long[MEMO];
    @SuppressWarnings("unchecked")
    private final HashMap<String, Accumulator[]>[] memoKeys = new HashMap[MEMO];
    private static final int MEMO = 1024;
    private final HotPaneBudget budget;
    /** Estimated bytes of each cached pane. */
    private final HashMap<Long, long[]> paneBytes = new HashMap<>();
    private long authoritativeFrom;
    /** No pane after this one was ever cached: a read past it misses without a lookup. */
    private long newestPane = Long.MIN_VALUE;
    private int entries;

    PaneCache(HotPaneBudget budget, long authoritativeFrom) {
        this.budget = budget;
        this.authoritativeFrom = authoritativeFrom;
    }

    /** An entry's heap: the accumulators (about twice their encoding), the key's chars, the map entries. */
    static int estimate(String key, int encodedBytes) {
        return 2 * encodedBytes + 2 * key.length() + 160;
    }

    /** The cached value, or null: then {@link #knowsAbsent(long)} says whether the store may still have it. */
    Accumulator[] get(long pane, String key) {
        if (pane > newestPane) {
            return null;
        }
        HashMap<String, Accumulator[]> byKey = paneKeys(pane);
        return byKey == null ? null : byKey.get(key);
    }

    private HashMap<String, Accumulator[]> paneKeys(long pane) {
        int slot = slot(pane);
        HashMap<String, Accumulator[]> byKey = memoKeys[slot];
        if (byKey != null && memoPane[slot] == pane) {
            return byKey;
        }
        byKey = panes.get(pane);
        if (byKey != null) {
            memoPane[slot] = pane;
            memoKeys[slot] = byKey;
        }
        return byKey;
    }

    private static int slot(long pane) {
        long h = pane * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 54);
    }

    /** Keeps the memo from answering for a pane no longer cached. */
    private void forget(long pane) {
        int slot = slot(pane);
        if (memoPane[slot] == pane) {
            memoKeys[slot] = null;
        }
    }

    boolean knowsAbsent(long pane) {
        return pane >= authoritativeFrom;
    }

    /** Keys with a value in [fromPane, toPane) if the cache is authoritative there, else null. */
    Map<Long, HashMap<String, Accumulator[]>> authoritativeRange(long fromPane, long toPane) {
        return fromPane >= authoritativeFrom ? panes.subMap(fromPane, toPane) : null;
    }

    void put(long pane, String key, Accumulator[] value, int encodedBytes) {
        if (pane < authoritativeFrom && !panes.containsKey(pane)) {
            // Below the boundary the cache is partial anyway; caching there only evicts useful panes.
            return;
        }
        HashMap<String, Accumulator[]> byKey = paneKeys(pane);
        if (byKey == null) {
            byKey = new HashMap<>();
            panes.put(pane, byKey);
            newestPane = Math.max(newestPane, pane);
        }
        if (byKey.put(key, value) == null) {
            entries++;
            int size = estimate(key, encodedBytes);
            paneBytes.computeIfAbsent(pane, p -> new long[1])[0] += size;
            budget.charge(size);
        }
        while (budget.over() && !panes.isEmpty()) {
            Map.Entry<Long, HashMap<String, Accumulator[]>> oldest = panes.pollFirstEntry();
            drop(oldest.getKey(), oldest.getValue().size());
            authoritativeFrom = Math.max(authoritativeFrom, oldest.getKey() + 1);
        }
    }

    private void drop(long pane, int keys) {
        forget(pane);
        entries -= keys;
        long[] bytes = paneBytes.remove(pane);
        if (bytes != null) {
            budget.charge(-bytes[0]);
        }
    }

    /** The task goes away: its share of the budget is free again. */
    void release() {
        for (Map.Entry<Long, HashMap<String, Accumulator[]>> e : panes.entrySet()) {
            drop(e.getKey(), e.getValue().size());
        }
        panes.clear();
    }

    /** Panes before {@code pane} expired: every window holding them closed. */
    void expireBefore(long pane) {
        Iterator<Map.Entry<Long, HashMap<String, Accumulator[]>>> it = panes.headMap(pane).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, HashMap<String, Accumulator[]>> e = it.next();
            drop(e.getKey(), e.getValue().size());
            it.remove();
        }
    }

    int size() {
        return entries;
    }
}
