package dev.tally.state;

/**
 * A store operation failed in RocksDB (I/O error, corruption, a directory that cannot be opened).
 * Local state is only a cache of the changelog, so a caller may answer it by dropping the
 * directory and restoring from the changelog.
 */
public final class StateStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
