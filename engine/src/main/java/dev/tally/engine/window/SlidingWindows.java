package dev.tally.engine.window;

import dev.tally.engine.aggregate.Accumulator;

import java.util.Arrays;

/**
 * Computes every window over a run of consecutive panes in O(n) merges, not O(n * panesPerWindow).
 *
 * <p>Block method: cut the run into blocks of {@code w} panes, anchored at the first window start. A window
 * starting at a block boundary is one block; any other window is a suffix of one block followed by a prefix
 * of the next. One right-to-left pass per block builds the suffixes, one left-to-right pass the prefixes, so
 * each pane is merged at most twice, and an accumulator is copied only where a window starts (plus one per
 * block for the running value). The inputs are never mutated.
 *
 * <p>Suffixes merge an earlier pane into the accumulator of later ones. That is exact for every aggregate:
 * they are commutative except first/last on equal event times, and two panes never share an event time.
 * (Floating-point sums may differ from a left-to-right merge in the last bits.)
 */
public final class SlidingWindows {

    private SlidingWindows() {
    }

    /**
     * The windows over a run of panes of one aggregate.
     *
     * @param panes          the run's accumulators, oldest first; null for a pane without records; not mutated
     * @param firstStart     index of the first pane that starts a window ({@code 0 <= firstStart < panesPerSlide})
     * @param panesPerWindow panes in a window ({@link WindowMath#panesPerWindow})
     * @param panesPerSlide  panes a window moves by ({@link WindowMath#panesPerSlide})
     * @return element j = the window of panes {@code [firstStart + j * s, firstStart + j * s + w)}, for every such
     *     window that lies inside the run; null where all its panes are null. Fresh accumulators, owned by the caller.
     */
    public static Accumulator[] windows(Accumulator[] panes, int firstStart, int panesPerWindow, int panesPerSlide) {
        return compute(panes, new Accumulator[windowCount(panes.length, firstStart, panesPerWindow, panesPerSlide)],
                firstStart, panesPerWindow, panesPerSlide, SINGLE);
    }

    /**
     * Like {@link #windows}, for panes holding one accumulator per aggregate of the job (a pane store row).
     * A row may be null (empty pane); within a row, null elements are treated as empty.
     */
    public static Accumulator[][] windowRows(Accumulator[][] panes, int firstStart, int panesPerWindow, int panesPerSlide) {
        return compute(panes, new Accumulator[windowCount(panes.length, firstStart, panesPerWindow, panesPerSlide)][],
                firstStart, panesPerWindow, panesPerSlide, ROW);
    }

    /** How many whole windows a run of {@code paneCount} panes holds. */
    public static int windowCount(int paneCount, int firstStart, int panesPerWindow, int panesPerSlide) {
        if (panesPerWindow <= 0 || panesPerSlide <= 0 || firstStart < 0) {
            throw new IllegalArgumentException("need panesPerWindow > 0, panesPerSlide > 0, firstStart >= 0; got "
                    + panesPerWindow + ", " + panesPerSlide + ", " + firstStart);
        }
        int room = paneCount - firstStart - panesPerWindow;
        return room < 0 ? 0 : room / panesPerSlide + 1;
    }

    private interface Ops<T> {
        T copy(T value);

        /** Merges {@code from} into {@code into}; {@code into} is never null, {@code from} may be. */
        void mergeInto(T into, T from);
    }

    private static final Ops<Accumulator> SINGLE = new Ops<>() {
        @Override
        public Accumulator copy(Accumulator value) {
            return value.copy();
        }

        @Override
        public void mergeInto(Accumulator into, Accumulator from) {
            if (from != null) {
                into.merge(from);
            }
        }
    };

    private static final Ops<Accumulator[]> ROW = new Ops<>() {
        @Override
        public Accumulator[] copy(Accumulator[] value) {
            Accumulator[] c = new Accumulator[value.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = value[i] == null ? null : value[i].copy();
            }
            return c;
        }

        @Override
        public void mergeInto(Accumulator[] into, Accumulator[] from) {
            if (from == null) {
                return;
            }
            if (from.length != into.length) {
                throw new IllegalArgumentException("pane rows of different widths: " + into.length + " and " + from.length);
            }
            for (int i = 0; i < into.length; i++) {
                if (from[i] == null) {
                    continue;
                }
                if (into[i] == null) {
                    into[i] = from[i].copy();
                } else {
                    into[i].merge(from[i]);
                }
            }
        }
    };

    private static <T> T[] compute(T[] panes, T[] out, int firstStart, int w, int s, Ops<T> ops) {
        int m = out.length;
        if (m == 0) {
            return out;
        }
        // startOf[i] = the index of the window starting at pane i, or -1
        int lastEnd = firstStart + (m - 1) * s + w; // exclusive
        int[] startOf = new int[lastEnd];
        Arrays.fill(startOf, -1);
        for (int j = 0; j < m; j++) {
            startOf[firstStart + j * s] = j;
        }
        suffixes(panes, out, startOf, firstStart, lastEnd, w, ops);
        prefixes(panes, out, firstStart, w, s, ops);
        return out;
    }

    /** For each window, its part inside the block of its start pane: out[j] = merge of panes start..blockEnd. */
    private static <T> void suffixes(T[] panes, T[] out, int[] startOf, int firstStart, int lastEnd, int w, Ops<T> ops) {
        for (int blockStart = firstStart; blockStart < lastEnd; blockStart += w) {
            int blockEnd = Math.min(blockStart + w, lastEnd) - 1;
            int lowest = -1;
            for (int i = blockStart; i <= blockEnd; i++) {
                if (startOf[i] >= 0) {
                    lowest = i;
                    break;
                }
            }
            if (lowest < 0) {
                continue;
            }
            T acc = null;
            for (int i = blockEnd; i >= lowest; i--) {
                T pane = panes[i];
                if (pane != null) {
                    if (acc == null) {
                        acc = ops.copy(pane);
                    } else {
                        ops.mergeInto(acc, pane);
                    }
                }
                int j = startOf[i];
                if (j >= 0 && acc != null) {
                    // the lowest start takes the running value itself: nothing merges into it afterwards
                    out[j] = i == lowest ? acc : ops.copy(acc);
                }
            }
        }
    }

    /** Completes each window that straddles two blocks with the prefix of the next block up to its last pane. */
    private static <T> void prefixes(T[] panes, T[] out, int firstStart, int w, int s, Ops<T> ops) {
        int m = out.length;
        int j = 0;
        while (j < m) {
            int start = firstStart + j * s;
            int offset = (start - firstStart) % w;
            if (offset == 0) {
                j++;
                continue;
            }
            int nextBlock = start - offset + w;
            // every window starting in this block ends in nextBlock; walk its prefix once for all of them
            T acc = null;
            int i = nextBlock;
            for (; j < m && firstStart + j * s < nextBlock; j++) {
                int windowLast = firstStart + j * s + w - 1; // >= nextBlock: the window starts inside the block
                for (; i <= windowLast; i++) {
                    T pane = panes[i];
                    if (pane != null) {
                        if (acc == null) {
                            acc = ops.copy(pane);
                        } else {
                            ops.mergeInto(acc, pane);
                        }
                    }
                }
                if (acc != null) {
                    if (out[j] == null) {
                        out[j] = ops.copy(acc);
                    } else {
                        ops.mergeInto(out[j], acc);
                    }
                }
            }
        }
    }
}
