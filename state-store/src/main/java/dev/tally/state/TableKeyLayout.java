package dev.tally.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys of the {@code tables} column family. Versions: {@code 'v' [table length][table] [key
 * length: 4][key] [time: sign-flipped, inverted, big-endian]}, so one key's versions are
 * contiguous and newest first: a seek to the key's prefix lands on its latest version. Offsets:
 * {@code 'o' [table length][table] [partition: 4]} -> next offset; newest time: {@code 't' [table
 * length][table]}. The length prefixes keep key "ab" from ever reading the versions of "abc".
 */
final class TableKeyLayout {
    static final byte VERSION = 'v';
    static final byte OFFSET = 'o';
    static final byte NEWEST = 't';
    static final int TIME_BYTES = 8;

    private TableKeyLayout() {
    }

    static byte[] keyPrefix(String table, String key) {
        byte[] t = table.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + t.length + 4 + k.length).put(VERSION).put((byte) t.length).put(t)
                .putInt(k.length).put(k).array();
    }

    static byte[] version(byte[] keyPrefix, long time) {
        return ByteBuffer.allocate(keyPrefix.length + TIME_BYTES).put(keyPrefix).putLong(encodeTime(time)).array();
    }

    /** Descending: a later time gives a smaller unsigned byte string. */
    static long encodeTime(long time) {
        return ~(time ^ Long.MIN_VALUE);
    }

    static long timeOf(byte[] versionKey) {
        long encoded = ByteBuffer.wrap(versionKey, versionKey.length - TIME_BYTES, TIME_BYTES).getLong();
        return ~encoded ^ Long.MIN_VALUE;
    }

    static boolean sameKey(byte[] versionKey, byte[] keyPrefix) {
        if (versionKey.length != keyPrefix.length + TIME_BYTES) {
            return false;
        }
        return java.util.Arrays.equals(versionKey, 0, keyPrefix.length, keyPrefix, 0, keyPrefix.length);
    }

    static byte[] tableKey(byte kind, String table) {
        byte[] t = table.getBytes(StandardCharsets.UTF_8);
        if (t.length > 127) {
            throw new IllegalArgumentException("table name too long: " + table);
        }
        return ByteBuffer.allocate(2 + t.length).put(kind).put((byte) t.length).put(t).array();
    }

    static byte[] offsetKey(String table, int partition) {
        byte[] prefix = tableKey(OFFSET, table);
        return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(partition).array();
    }

    static int partitionOf(byte[] offsetKey) {
        return ByteBuffer.wrap(offsetKey, offsetKey.length - 4, 4).getInt();
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    /** The byte string after every key starting with {@code prefix}. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalArgumentException("no end for an all-0xff prefix");
    }
}
