package dev.tally.engine.record;

/** A record that cannot be processed: it goes to the dead-letter topic with {@link #reason()} and the message. */
public final class BadRecordException extends Exception {

    /** Why, as the {@code tally.error.reason} header of the dead-letter record. */
    public enum Reason {
        UNDECODABLE, MISSING_KEY, MISSING_TIME, BAD_TIME, EXPRESSION_FAILED,
        /** A numeric aggregate's input is not a number. */
        BAD_VALUE,
        LATE,
        /** A lookup found no table row for the record and the lookup's policy is {@code missing: dead-letter}. */
        LOOKUP_MISSING
    }

    private final Reason reason;

    public BadRecordException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public BadRecordException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
