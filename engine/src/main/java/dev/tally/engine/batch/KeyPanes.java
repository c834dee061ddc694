package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The panes of one key touched in the current batch, with their deltas (what this batch added).
 * A key rarely touches more than a couple of panes per batch, so a small array beats a map.
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

    int indexOf(long pane) {
        for (int i = 0; i < size; i++) {
            if (panes[i] == pane) {
                return i;
            }
        }
        return -1;
    }

    long[] sortedPanes() {
        long[] sorted = Arrays.copyOf(panes, size);
        Arrays.sort(sorted);
        return sorted;
    }

    Accumulator[] delta(long pane, long time, Supplier<Accumulator[]> fresh) {
        for (int i = size - 1; i >= 0; i--) {
            if (panes[i] == pane) {
                if (time > maxTimes[i]) {
                    maxTimes[i] = time;
                }
                return deltas[i];
            }
        }
        if (size == panes.length) {
            panes = Arrays.copyOf(panes, size * 2);
            deltas = Arrays.copyOf(deltas, size * 2);
            maxTimes = Arrays.copyOf(maxTimes, size * 2);
        }
        panes[size] = pane;
        maxTimes[size] = time;
        Accumulator[] d = fresh.get();
        deltas[size++] = d;
        return d;
    }
}
