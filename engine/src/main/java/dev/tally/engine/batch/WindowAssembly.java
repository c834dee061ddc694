package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.window.WindowMath;

import java.util.Arrays;

/**
 * The one place a hopping or tumbling window's value is put together from its panes. Emission at
 * the end of a batch, mid-batch closing (both emit modes) and the pull query all come here, each
 * with its own {@link Panes}.
 *
 * <p>A window {@code [s, s + size)} is the merge, pane by pane in time order, of each pane's
 * committed value and then this batch's value of it (committed first, so first/last keep their
 * order on equal times). Only windows holding one of the key's <em>anchor</em> panes (those with
 * data) are visited, however far apart the anchors are. Windows are visited in ascending order,
 * so a ring of one window's panes is enough for each pane to be looked up once.
 *
 * <p>Not safe for concurrent use: each thread (a task, a pull query) has its own.
 *
 * <p>Not the O(1)-per-window sliding algorithm: most aggregates here (min, max, first/last,
 * sketches) cannot subtract the pane that leaves a window, so each window merges its panes.
 */
final class WindowAssembly {
    /** A key's pane values, from whatever layers the caller stacks. Values are shared: never mutated here. */
    interface Panes {
        /** The pane's committed value, or null. */
        Accumulator[] committed(long pane);

        /** What this batch holds for the pane on top of the committed value, or null. */
        Accumulator[] batch(long pane);
    }

    /** Receives each assembled window. */
    interface Windows {
        void window(long start, long end, Accumulator[] value);
    }

    private final JobPlan plan;
    private final WindowSpec window;
    private final int perWindow;
    private final long[] ringPane;
    private final int[] ringRound;
    private final Accumulator[][] ringCommitted;
    private final Accumulator[][] ringBatch;
    /** Bumped per {@link #emit} call: a ring slot filled in an earlier call is stale. */
    private int round;
    /** The window being assembled: its first value, and the merge once a second one came. */
    private Accumulator[] single;
    private Accumulator[] merged;

    WindowAssembly(JobPlan plan) {
        this.plan = plan;
        this.window = plan.window;
        this.perWindow = (int) (window.size / window.paneWidth);
        this.ringPane = new long[perWindow];
        this.ringRound = new int[perWindow];
        this.ringCommitted = new Accumulator[perWindow][];
        this.ringBatch = new Accumulator[perWindow][];
    }

    /**
     * Emits every window starting in [firstStart, lastStart] that holds one of {@code anchors[0..count)}
     * (ascending pane starts).
     *
     * @param shareSingle true when values cannot change after this call (batch end, a query): a
     *                    window made of one pane value is then handed out as that value, uncopied;
     *                    false mid-batch, where later records still fold into the deltas
     */
    void emit(long[] anchors, int count, long firstStart, long lastStart, Panes panes, boolean shareSingle, Windows out) {
        if (++round == 0) {
            Arrays.fill(ringRound, 0);
            round = 1;
        }
        long next = firstStart;
        // An anchor before firstStart lies only in windows that start before it.
        for (int i = firstAtOrAfter(anchors, count, firstStart); i < count; i++) {
            long from = Math.max(next, window.firstWindowStart(anchors[i]));
            if (from > lastStart) {
                return;
            }
            long to = Math.min(lastStart, window.lastWindowStart(anchors[i]));
            for (long start = from; start <= to; start += window.slide) {
                Accumulator[] value = assemble(start, panes, shareSingle);
                if (value != null) {
                    out.window(start, WindowMath.windowEnd(start, window.size), value);
                }
                if (start > Long.MAX_VALUE - window.slide) {
                    return;
                }
                next = start + window.slide;
            }
        }
    }

    private Accumulator[] assemble(long start, Panes panes, boolean shareSingle) {
        single = null;
        merged = null;
        // The pane's ring slot is its index modulo one window's panes: one division per window, not per pane.
        int slot = (int) Math.floorMod(Math.floorDiv(start, window.paneWidth), (long) perWindow);
        long pane = start;
        for (int k = 0; k < perWindow; k++, pane += window.paneWidth, slot = slot + 1 == perWindow ? 0 : slot + 1) {
            if (ringRound[slot] != round || ringPane[slot] != pane) {
                ringRound[slot] = round;
                ringPane[slot] = pane;
                ringCommitted[slot] = panes.committed(pane);
                ringBatch[slot] = panes.batch(pane);
            }
            add(ringCommitted[slot]);
            add(ringBatch[slot]);
        }
        if (merged != null) {
            return merged;
        }
        return single == null || shareSingle ? single : JobPlan.copy(single);
    }

    /** One value into the window: the first is only remembered, a merge starts at the second. */
    private void add(Accumulator[] v) {
        if (v == null) {
            return;
        }
        if (single == null) {
            single = v;
            return;
        }
        if (merged == null) {
            merged = plan.newAccumulators();
            JobPlan.mergeInto(merged, single);
        }
        JobPlan.mergeInto(merged, v);
    }

    /** The first index whose anchor is at or after {@code pane} (binary search; anchors ascend). */
    private static int firstAtOrAfter(long[] anchors, int count, long pane) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (anchors[mid] < pane) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
