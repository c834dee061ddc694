package dev.tally.service.job;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Byte layouts of Tally's internal topics. Changelog keys: {@code [0][pane:8][key]} for a pane,
 * {@code [1]} for the task clock. Repartition records: {@link RepartitionRecords}.
 */
final class InternalRecords {
    static final byte PANE = 0;
    static final byte CLOCK = 1;
    private static final byte[] CLOCK_KEY = {CLOCK};

    private InternalRecords() {
    }

    static byte[] paneKey(long pane, byte[] key) {
        return ByteBuffer.allocate(9 + key.length).put(PANE).putLong(pane).put(key).array();
    }

    static byte[] clockKey() {
        return CLOCK_KEY.clone();
    }

    static boolean isClock(byte[] changelogKey) {
        return changelogKey.length == 1 && changelogKey[0] == CLOCK;
    }

    static long pane(byte[] changelogKey) {
        return ByteBuffer.wrap(changelogKey, 1, 8).getLong();
    }

    static byte[] key(byte[] changelogKey) {
        return Arrays.copyOfRange(changelogKey, 9, changelogKey.length);
    }
}
