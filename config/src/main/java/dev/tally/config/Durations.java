package dev.tally.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the configuration writes them: an integer and one unit, e.g. 500ms, 30s, 5m, 1h, 2d. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s"};

    private Durations() {
    }

    /** The shortest form in the largest unit that divides it: 30s, 5m, 1h, 500ms; 0s for zero. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long millis = d.toMillis();
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (millis % UNIT_MILLIS[i] == 0) {
                return millis / UNIT_MILLIS[i] + UNIT_NAMES[i];
            }
        }
        return millis + "ms";
    }

    /** The duration written as {@code text}, or null when it is not one (or does not fit in a long of millis). */
    static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        try {
            return Duration.ofMillis(Math.multiplyExact(amount, unitMillis));
        } catch (ArithmeticException tooLong) {
            return null;
        }
    }
}
