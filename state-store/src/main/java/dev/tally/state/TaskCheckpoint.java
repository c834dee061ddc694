package dev.tally.state;

/**
 * What a task's local state reflects.
 *
 * @param changelogOffset the next changelog offset to replay on restore (everything before it is in the store); -1 = none
 * @param meta            engine metadata stored atomically with the state (stream time, watermark), opaque here
 */
public record TaskCheckpoint(long changelogOffset, byte[] meta) {
    public static final TaskCheckpoint NONE = new TaskCheckpoint(-1L, new byte[0]);
}
