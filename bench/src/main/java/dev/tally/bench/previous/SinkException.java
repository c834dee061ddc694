package dev.tally.bench.previous;

/** Why a batch did not reach the table, which decides what the sink does next. */
public abstract class SinkException extends Exception {
    SinkException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The table or data is wrong (altered column, constraint, dropped table): retrying cannot help; the sink stops. */
    public static final class Fatal extends SinkException {
        public Fatal(String message) {
            super(message, null);
        }

        Fatal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The database is unreachable, restarting, or busy: roll back, wait, resume from the offsets in the database. */
    public static final class Transient extends SinkException {
        Transient(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Another sink wrote a partition this one thought it owned: resume from the database's offsets. */
    public static final class Fenced extends SinkException {
        Fenced(String message) {
            super(message, null);
        }
    }
}
