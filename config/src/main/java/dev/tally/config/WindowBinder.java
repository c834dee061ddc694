package dev.tally.config;

import java.time.Duration;

/** Reads a job's {@code window:} block: which keys each window type takes, and how they relate. */
final class WindowBinder {
    private WindowBinder() {
    }

    static WindowConfig bind(Fields job) {
        Fields f = job.fields("window");
        if (f == null) {
            if (!job.has("window")) {
                job.missing("window");
            }
            return null;
        }
        f.allowOnly("type", "size", "slide", "gap", "idle-timeout");
        if (!f.has("type")) {
            f.missing("type");
            return null;
        }
        WindowConfig.Type type = f.choice("type", WindowConfig.Type.class, null);
        if (type == null) {
            return null;
        }
        if (type != WindowConfig.Type.TUMBLING && type != WindowConfig.Type.HOPPING) {
            f.forbid("size", "only allowed in tumbling and hopping windows");
        }
        if (type != WindowConfig.Type.HOPPING) {
            f.forbid("slide", "only allowed in hopping windows");
        }
        if (type != WindowConfig.Type.SESSION) {
            f.forbid("gap", "only allowed in session windows");
        }
        if (type != WindowConfig.Type.GLOBAL) {
            f.forbid("idle-timeout", "only allowed in global windows (see also time.idle-timeout)");
        }
        return switch (type) {
            case TUMBLING -> {
                Duration size = positive(f, "size", true);
                yield size == null ? null : new WindowConfig(type, size, size, null, null);
            }
            case HOPPING -> hopping(f);
            case SESSION -> {
                Duration gap = positive(f, "gap", true);
                yield gap == null ? null : new WindowConfig(type, null, null, gap, null);
            }
            case GLOBAL -> new WindowConfig(type, null, null, null, positive(f, "idle-timeout", false));
        };
    }

    private static WindowConfig hopping(Fields f) {
        Duration size = positive(f, "size", true);
        Duration slide = positive(f, "slide", true);
        if (size == null || slide == null) {
            return null;
        }
        Node.Scalar sizeNode = f.scalar("size");
        Node.Scalar slideNode = f.scalar("slide");
        String shownSize = sizeNode.fromEnv() ? sizeNode.shown() : Durations.format(size);
        String shownSlide = slideNode.fromEnv() ? slideNode.shown() : Durations.format(slide);
        if (slide.compareTo(size) > 0) {
            f.problems().add(slideNode, "must not exceed size (" + shownSize + "), got " + shownSlide);
            return null;
        }
        // Then a window is exactly size/slide panes, one slide long each, and no pane straddles two window edges.
        if (size.toMillis() % slide.toMillis() != 0) {
            f.problems().add(slideNode, "must divide size (" + shownSize + "), got " + shownSlide);
            return null;
        }
        return new WindowConfig(WindowConfig.Type.HOPPING, size, slide, null, null);
    }

    /** A duration above zero under {@code key}; null when absent (reported if required) or invalid. */
    static Duration positive(Fields f, String key, boolean required) {
        if (!f.has(key)) {
            if (required) {
                f.missing(key);
            }
            return null;
        }
        Duration d = f.duration(key, null);
        if (d != null && d.isZero()) {
            f.problems().add(f.node(key), "must be more than 0s");
            return null;
        }
        return d;
    }
}
