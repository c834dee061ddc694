package dev.tally.state;

/**
 * One version of a table key: valid from {@code time} until the key's next version.
 *
 * @param value the stored value, or null for a tombstone (the key was deleted at {@code time})
 */
public record TableVersion(long time, byte[] value) {
    public boolean deleted() {
        return value == null;
    }
}
