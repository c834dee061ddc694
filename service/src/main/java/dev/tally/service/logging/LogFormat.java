package dev.tally.service.logging;

import ch.qos.logback.core.PropertyDefinerBase;

import java.util.Locale;

/**
 * The log layout logback.xml includes: TALLY_LOG_FORMAT (environment, or -D) read as a container
 * sets it, that is unset, empty or in any case. An unknown value keeps the plain layout and says
 * so through Logback's status output, rather than a process that logs nothing.
 */
public final class LogFormat extends PropertyDefinerBase {
    static final String VARIABLE = "TALLY_LOG_FORMAT";

    @Override
    public String getPropertyValue() {
        String raw = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        String format = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "", "plain", "text" -> "plain";
            case "json" -> "json";
            default -> {
                addWarn(VARIABLE + "=" + raw + " is neither plain nor json; logging plain lines");
                yield "plain";
            }
        };
    }
}
