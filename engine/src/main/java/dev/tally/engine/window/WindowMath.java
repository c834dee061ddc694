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
 * <p>The batch core reaches these through {@code WindowSpec}, which binds them to one job's shape;
 * {@code WindowAssembly} walks the windows of a key's panes with them.
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

    /** The end (exclusive) of a window, or {@code Long.MAX_VALUE} if it does not fit: such a window never closes. */
    public static long windowEnd(long windowStart, long size) {
        return windowStart > Long.MAX_VALUE - size ? Long.MAX_VALUE : windowStart + size;
    }

    /**
     * Whether every window holding the pane is closed at this watermark, so a record for it is late.
     * It is enough to look at the last window holding the pane: it closes last. {@code Long.MIN_VALUE}
     * ("nothing seen yet") closes nothing.
     */
    public static boolean isPaneClosed(long paneStart, long size, long slide, long watermark) {
        requireValid(size, slide);
        if (watermark == Long.MIN_VALUE) {
            return false;
        }
        long lastStart = alignDown(paneStart, slide);
        return lastStart <= Long.MAX_VALUE - size && lastStart + size <= watermark;
    }

    /**
     * The start of the first window still open at this watermark (its end is after it). Windows before
     * it are closed, and panes before it belong only to closed windows: retention follows from size and
     * grace. {@code Long.MIN_VALUE} ("nothing seen yet") gives {@code Long.MIN_VALUE}: nothing closed.
     * A watermark move from {@code a} to {@code b} closes the windows starting in
     * {@code [firstOpenWindowStart(a), firstOpenWindowStart(b))}.
     */
    public static long firstOpenWindowStart(long watermark, long size, long slide) {
        requireValid(size, slide);
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (watermark < Long.MIN_VALUE + size) {
            return alignUpSaturating(Long.MIN_VALUE, slide);
        }
        return alignDownSaturating(watermark - size, slide) + slide;
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
