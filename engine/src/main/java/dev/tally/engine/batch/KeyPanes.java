package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The panes of one key touched in the current batch, with their deltas (what this batch added).
 * A key rarely touches more than a couple of panes per batch, so a small array beats a map.
 */
final class KeyPanes {
    final byte[] keyBytes;
    long[] panes = new long[2];
    Accumulator[][] deltas = new Accumulator[2][];
    /** Largest event time folded into each pane; partial aggregates carry it downstream as their time. */
    long[] maxTimes = new long[2];
    int size;

    KeyPanes(byte[] keyBytes) {
        this.keyBytes = keyBytes;
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
