package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The panes of one key touched in the current batch, with their deltas (what this batch added),
 * in ascending pane order. A key touches a few to a few dozen panes per batch, so sorted arrays
 * beat a map: appends are at the end, lookups a binary search.
 */
final class KeyPanes {
    final String key;
    final byte[] keyBytes;
    long[] panes = new long[2];
    Accumulator[][] deltas = new Accumulator[2][];
    /** Largest event time folded into each pane; partial aggregates carry it downstream as their time. */
    long[] maxTimes = new long[2];
    /** At the end of the batch: the full value of each pane (committed value plus delta). */
    Accumulator[][] full;
    int size;
    /** The last mid-batch closing that emitted this key's windows: a key is visited once per closing. */
    int closeMark;

    KeyPanes(String key) {
        this.key = key;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
    }

    /** Index of {@code pane}, or a negative number: panes are kept in ascending order. */
    int indexOf(long pane) {
        return Arrays.binarySearch(panes, 0, size, pane);
    }

    Accumulator[] delta(long pane, long time, Supplier<Accumulator[]> fresh) {
        // Records mostly arrive in time order: the pane is the last one, or goes after it.
        int i = size - 1;
        while (i >= 0 && panes[i] > pane) {
            i--;
        }
        if (i >= 0 && panes[i] == pane) {
            if (time > maxTimes[i]) {
                maxTimes[i] = time;
            }
            return deltas[i];
        }
        if (size == panes.length) {
            panes = Arrays.copyOf(panes, size * 2);
            deltas = Arrays.copyOf(deltas, size * 2);
            maxTimes = Arrays.copyOf(maxTimes, size * 2);
        }
        int at = i + 1;
        int tail = size - at;
        if (tail > 0) {
            System.arraycopy(panes, at, panes, at + 1, tail);
            System.arraycopy(deltas, at, deltas, at + 1, tail);
            System.arraycopy(maxTimes, at, maxTimes, at + 1, tail);
        }
        panes[at] = pane;
        maxTimes[at] = time;
        Accumulator[] d = fresh.get();
        deltas[at] = d;
        size++;
        return d;
    }
}
