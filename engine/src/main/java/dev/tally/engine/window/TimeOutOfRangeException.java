package dev.tally.engine.window;

/**
 * An event time whose window or pane start does not fit in a long: bad data, not a bug. The
 * record router dead-letters its record (reason BAD_TIME); any other exception fails the job.
 */
public final class TimeOutOfRangeException extends IllegalArgumentException {
    public TimeOutOfRangeException(String message) {
        super(message);
    }
}
