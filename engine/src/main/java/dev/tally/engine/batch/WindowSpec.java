package dev.tally.engine.batch;

import dev.tally.config.WindowConfig;
import dev.tally.engine.window.WindowMath;

/**
 * A job's window shape in milliseconds, with the questions the batch core asks of it. The maths
 * live in {@link WindowMath}; this binds them to one job's size, slide and pane width.
 */
final class WindowSpec {
    final long size;
    final long slide;
    final long paneWidth;

    WindowSpec(WindowConfig window) {
        this.size = window.size().toMillis();
        this.slide = window.type() == WindowConfig.Type.HOPPING ? window.slide().toMillis() : size;
        this.paneWidth = WindowMath.paneWidth(size, slide);
    }

    long pane(long time) {
        return WindowMath.paneStart(time, paneWidth);
    }

    /** Start of the earliest window holding the pane. */
    long firstWindowStart(long pane) {
        return WindowMath.firstWindowStart(pane, size, slide);
    }

    /** Start of the latest window holding the pane. */
    long lastWindowStart(long pane) {
        return WindowMath.lastWindowStart(pane, slide);
    }

    /** Every window holding the pane is closed: a record for it is late. */
    boolean isPaneClosed(long pane, long watermark) {
        return WindowMath.isPaneClosed(pane, size, slide, watermark);
    }

    /**
     * Start of the first window whose end is after {@code watermark}: the first still-open window.
     * Panes before it belong only to closed windows, which is what derives retention from size and grace.
     */
    long firstOpenWindowStart(long watermark) {
        return WindowMath.firstOpenWindowStart(watermark, size, slide);
    }
}
