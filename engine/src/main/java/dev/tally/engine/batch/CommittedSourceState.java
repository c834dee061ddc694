package dev.tally.engine.batch;

/**
 * What a source partition's batch commits beside its offset (in the offset's metadata):
 * {@code t1:<stream time>:<a|i>}, its stream time and whether it was idle. One format, read by
 * the partition's next owner and by idle partitions elsewhere looking for the slowest active one.
 */
record CommittedSourceState(long streamTime, boolean idle) {
    static final CommittedSourceState NONE = new CommittedSourceState(TaskClock.NO_TIME, false);

    /** The state in a committed offset's metadata; NONE for no metadata or another format. */
    static CommittedSourceState parse(String metadata) {
        if (metadata == null || !metadata.startsWith("t1:")) {
            return NONE;
        }
        String[] f = metadata.split(":");
        return new CommittedSourceState(Long.parseLong(f[1]), f.length > 2 && f[2].equals("i"));
    }

    String format() {
        return "t1:" + streamTime + ":" + (idle ? "i" : "a");
    }
}
