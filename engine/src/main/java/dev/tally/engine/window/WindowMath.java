package dev.tally.engine.window;

/**
 * Pure arithmetic of hopping (and tumbling: slide = size) windows and their panes, in epoch millis.
 *
 * <p>Windows are {@code [start, start + size)}, starting at every multiple of {@code slide} counted from
 * epoch 0 (floor semantics, so negative times work). Panes are the slices of width
 * {@code gcd(size, slide)}: every window boundary is a pane boundary, so a record updates exactly one
 * pane and a window is the merge of {@code size / paneWidth} consecutive panes. A window is closed once
 * the watermark is {@code >= end}.
 *
 * <p>Overflow: functions of an event time throw {@link IllegalArgumentException} when the aligned value
 * does not fit in a long (such a time is bad data; the caller dead-letters it). Functions of a watermark
 * accept the whole long range, because {@code Long.MIN_VALUE} ("nothing seen yet") and
 * {@code Long.MAX_VALUE} ("end of input, flush everything") are legitimate watermarks. A window whose
 * end would exceed {@code Long.MAX_VALUE} never closes.
 *
 * <p>{@code slide > size} (windows with gaps between them) is rejected: no engine we follow allows it,
 * and it would make records that belong to no window.
 */
public final class WindowMath {

    /** The most window starts {@link #closedWindowStarts} returns as an array; use the first/last pair beyond. */
    static final int MAX_ENUMERATED = 1 << 20;

    private WindowMath() {
    }

    /** The pane width: {@code gcd(size, slide)}. */
    public static long paneWidth(long size, long slide) {
        requireValid(size, slide);
        long a = size;
        long b = slide;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Number of panes in one window. */
    public static int panesPerWindow(long size, long paneWidth) {
        return toIntExact(size / paneWidth, "size / paneWidth");
    }

    /** Number of panes a window moves by. */
    public static int panesPerSlide(long slide, long paneWidth) {
        return toIntExact(slide / paneWidth, "slide / paneWidth");
    }

    /** The start of the pane (or window of size = slide = {@code width}) holding {@code time}. */
    public static long paneStart(long time, long width) {
        requirePositive(width, "pane width");
        return alignDown(time, width);
    }

    /** The last (latest) start of a window containing {@code time}: the slide boundary at or before it. */
    public static long lastWindowStart(long time, long slide) {
        requirePositive(slide, "slide");
        return alignDown(time, slide);
    }

    /**
     * The first (earliest) start of a window containing {@code time}: the smallest multiple of slide
     * greater than {@code time - size}. With {@code slide <= size} every time lies in at least one window.
     */
    public static long firstWindowStart(long time, long size, long slide) {
        requireValid(size, slide);
        long last = alignDown(time, slide);
        // windows last, last - slide, ... contain time while time - start < size
        long extra = (size - 1 - (time - last)) / slide;
        if (last < Long.MIN_VALUE + extra * slide) {
            throw new IllegalArgumentException("time " + time + " is out of range for windows of " + size + " ms");
        }
        return last - extra * slide;
    }

    /** The starts of all windows containing {@code time} (or the pane starting there), ascending. */
    public static long[] windowStartsContaining(long time, long size, long slide) {
        long first = firstWindowStart(time, size, slide);
        long last = alignDown(time, slide);
        long[] starts = new long[(int) ((last - first) / slide) + 1];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = first + i * slide;
        }
        return starts;
    }

    /** The first pane of the window starting at {@code windowStart}: its own start. */
    public static long firstPaneOfWindow(long windowStart) {
        return windowStart;
    }

    /** The start of the last pane of the window starting at {@code windowStart}. */
    public static long lastPaneOfWindow(long windowStart, long size, long paneWidth) {
        requirePositive(paneWidth, "pane width");
        requirePositive(size, "size");
        return exactAdd(windowStart, size - paneWidth);
    }

    /** The end (exclusive) of a window, or {@code Long.MAX_VALUE} if it does not fit: such a window never closes. */
    public static long windowEnd(long windowStart, long size) {
        return windowStart > Long.MAX_VALUE - size ? Long.MAX_VALUE : windowStart + size;
    }

    /** Whether a window is closed at this watermark ({@code watermark >= end}). */
    public static boolean isWindowClosed(long windowStart, long size, long watermark) {
        return windowStart <= Long.MAX_VALUE - size && watermark >= windowStart + size;
    }

    /**
     * Whether every window containing the pane is closed, so a record for it is late. It is enough to look
     * at the last window containing the pane: it closes last.
     */
    public static boolean isPaneLate(long paneStart, long paneWidth, long size, long slide, long watermark) {
        requireValid(size, slide);
        if (paneWidth <= 0 || slide % paneWidth != 0 || size % paneWidth != 0) {
            throw new IllegalArgumentException("pane width " + paneWidth + " must divide size " + size + " and slide " + slide);
        }
        return isWindowClosed(alignDown(paneStart, slide), size, watermark);
    }

    /**
     * The first start of a window whose end lies in {@code (oldWatermark, newWatermark]}, i.e. the first
     * window closed by this watermark move. Compare with {@link #lastClosedWindowStart}: none closed if greater.
     */
    public static long firstClosedWindowStart(long oldWatermark, long size, long slide) {
        requireValid(size, slide);
        // end > old  <=>  start > old - size; the smallest multiple of slide above that
        if (oldWatermark < Long.MIN_VALUE + size) {
            return alignUpSaturating(Long.MIN_VALUE, slide);
        }
        long bound = oldWatermark - size;
        return bound > Long.MAX_VALUE - slide ? Long.MAX_VALUE : alignDownSaturating(bound, slide) + slide;
    }

    /** The last start of a window whose end is {@code <= newWatermark}; see {@link #firstClosedWindowStart}. */
    public static long lastClosedWindowStart(long newWatermark, long size, long slide) {
        requireValid(size, slide);
        if (newWatermark < Long.MIN_VALUE + size) {
            return Long.MIN_VALUE; // below any first start: nothing closed
        }
        return alignDownSaturating(newWatermark - size, slide);
    }

    /**
     * The starts of the windows whose end lies in {@code (oldWatermark, newWatermark]}, ascending: the windows
     * this watermark move closes. Throws if there are more than 2^20 (e.g. from {@code Long.MIN_VALUE});
     * callers that may start from the beginning of time use the first/last pair and clamp to their data.
     */
    public static long[] closedWindowStarts(long oldWatermark, long newWatermark, long size, long slide) {
        long first = firstClosedWindowStart(oldWatermark, size, slide);
        long last = lastClosedWindowStart(newWatermark, size, slide);
        if (first > last) {
            return new long[0];
        }
        long span = last - first; // may overflow for extreme ranges: negative means huge
        if (span < 0 || span / slide >= MAX_ENUMERATED) {
            throw new IllegalArgumentException("too many windows close between watermark " + oldWatermark + " and "
                    + newWatermark + "; use firstClosedWindowStart/lastClosedWindowStart");
        }
        long[] starts = new long[(int) (span / slide) + 1];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = first + i * slide;
        }
        return starts;
    }

    private static long alignDown(long time, long unit) {
        long q = Math.floorDiv(time, unit);
        if (q < Long.MIN_VALUE / unit) {
            throw new TimeOutOfRangeException("time " + time + " is out of range for windows of " + unit + " ms");
        }
        return q * unit;
    }

    /** Like alignDown, but at the bottom of the range returns the smallest representable multiple instead. */
    private static long alignDownSaturating(long time, long unit) {
        long q = Math.floorDiv(time, unit);
        return q < Long.MIN_VALUE / unit ? alignUpSaturating(Long.MIN_VALUE, unit) : q * unit;
    }

    private static long alignUpSaturating(long time, long unit) {
        long q = Math.floorDiv(time, unit) + (Math.floorMod(time, unit) == 0 ? 0 : 1); // ceil, no negation overflow
        if (q > Long.MAX_VALUE / unit) {
            return (Long.MAX_VALUE / unit) * unit;
        }
        return q * unit;
    }

    private static long exactAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw new IllegalArgumentException("time " + a + " + " + b + " is out of range");
        }
        return r;
    }

    private static int toIntExact(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " = " + v + " is too many panes");
        }
        return (int) v;
    }

    private static void requireValid(long size, long slide) {
        requirePositive(size, "size");
        requirePositive(slide, "slide");
        if (slide > size) {
            throw new IllegalArgumentException("slide " + slide + " must not exceed size " + size);
        }
    }

    private static void requirePositive(long v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
