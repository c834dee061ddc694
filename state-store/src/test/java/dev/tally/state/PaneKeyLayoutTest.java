package dev.tally.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaneKeyLayoutTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldWriteTaskPaneAndKeyBigEndianWhenEncoding() {
        byte[] encoded = PaneKeyLayout.key(0x01020304, 0x0A0B0C0D0E0F1011L, new byte[] {(byte) 0xAB});

        assertEquals("01020304" + "8a0b0c0d0e0f1011" + "ab", HEX.formatHex(encoded));
        assertEquals("00000001" + "8000000000000000", HEX.formatHex(PaneKeyLayout.paneStart(1, 0)));
        assertEquals("00000001" + "7fffffffffffffff", HEX.formatHex(PaneKeyLayout.paneStart(1, -1)));
        assertEquals("00000002", HEX.formatHex(PaneKeyLayout.taskEnd(1)));
    }

    @ParameterizedTest
    @MethodSource("panes")
    void shouldRoundTripWhenDecodingFromArrayAndBuffer(long pane) {
        byte[] key = {0, (byte) 0xFF, 7};
        byte[] encoded = PaneKeyLayout.key(9, pane, key);
        ByteBuffer buffer = ByteBuffer.allocateDirect(32);
        PaneKeyLayout.write(buffer, 9, pane, key);

        assertEquals(9, PaneKeyLayout.task(encoded));
        assertEquals(pane, PaneKeyLayout.pane(encoded));
        assertArrayEquals(key, PaneKeyLayout.userKey(encoded));
        assertEquals(pane, PaneKeyLayout.pane(buffer));
        assertArrayEquals(key, PaneKeyLayout.userKey(buffer, encoded.length));
    }

    static Stream<Long> panes() {
        return Stream.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE, -1_700_000_000_000L, 1_700_000_000_000L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orderedPairs")
    void shouldSortUnsignedInTaskPaneKeyOrderWhenComparingEncodings(String name, byte[] lower, byte[] higher) {
        assertTrue(Arrays.compareUnsigned(lower, higher) < 0, name);
    }

    static Stream<Arguments> orderedPairs() {
        byte[] k = {1};
        return Stream.of(
                pair("negative pane before zero", PaneKeyLayout.key(1, -1, k), PaneKeyLayout.key(1, 0, k)),
                pair("min pane before negative", PaneKeyLayout.key(1, Long.MIN_VALUE, k), PaneKeyLayout.key(1, -1, k)),
                pair("zero before positive", PaneKeyLayout.key(1, 0, k), PaneKeyLayout.key(1, 1, k)),
                pair("positive before max", PaneKeyLayout.key(1, 1L << 40, k), PaneKeyLayout.key(1, Long.MAX_VALUE, k)),
                pair("task before pane", PaneKeyLayout.key(1, Long.MAX_VALUE, k), PaneKeyLayout.key(2, Long.MIN_VALUE, k)),
                pair("pane before key", PaneKeyLayout.key(1, 5, new byte[] {(byte) 0xFF}), PaneKeyLayout.key(1, 6, new byte[0])),
                pair("key bytes unsigned", PaneKeyLayout.key(1, 5, new byte[] {0x7F}), PaneKeyLayout.key(1, 5, new byte[] {(byte) 0x80})),
                pair("shorter key prefix first", PaneKeyLayout.key(1, 5, new byte[] {1}), PaneKeyLayout.key(1, 5, new byte[] {1, 0})),
                pair("pane start before its keys", PaneKeyLayout.paneStart(1, 5), PaneKeyLayout.key(1, 5, new byte[] {0})),
                pair("pane start after earlier pane", PaneKeyLayout.key(1, 4, new byte[] {(byte) 0xFF, (byte) 0xFF}), PaneKeyLayout.paneStart(1, 5)),
                pair("task start first", PaneKeyLayout.taskStart(3), PaneKeyLayout.key(3, Long.MIN_VALUE, new byte[] {0})),
                pair("task end after last key", PaneKeyLayout.key(3, Long.MAX_VALUE, new byte[] {(byte) 0xFF, (byte) 0xFF}), PaneKeyLayout.taskEnd(3)),
                pair("task end before next task", PaneKeyLayout.taskEnd(3), PaneKeyLayout.taskStart(4)),
                pair("max task end after max task",
                        PaneKeyLayout.key(Integer.MAX_VALUE, Long.MAX_VALUE, new byte[] {(byte) 0xFF}), PaneKeyLayout.taskEnd(Integer.MAX_VALUE)));
    }

    private static Arguments pair(String name, byte[] lower, byte[] higher) {
        return Arguments.of(name, lower, higher);
    }

    @Test
    void shouldRejectNegativeTaskWhenEncoding() {
        assertThrows(IllegalArgumentException.class, () -> PaneKeyLayout.key(-1, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PaneKeyLayout.taskEnd(-1));
        assertThrows(IllegalArgumentException.class, () -> PaneKeyLayout.checkpointKey(-1));
    }

    @Test
    void shouldRoundTripCheckpointWhenEncodedAndDecoded() {
        TaskCheckpoint decoded = PaneKeyLayout.decodeCheckpoint(
                PaneKeyLayout.encodeCheckpoint(new TaskCheckpoint(1L << 40, new byte[] {1, 2, 3})));

        assertEquals(1L << 40, decoded.changelogOffset());
        assertArrayEquals(new byte[] {1, 2, 3}, decoded.meta());
        assertEquals("00000007", HEX.formatHex(PaneKeyLayout.checkpointKey(7)));
    }

    @Test
    void shouldFailWhenCheckpointRecordIsTruncated() {
        assertThrows(StateStoreException.class, () -> PaneKeyLayout.decodeCheckpoint(new byte[3]));
    }
}
