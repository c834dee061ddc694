package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The read side of {@link ByteSink}, plus the encodings several accumulators share. Big-endian, like ByteSink. */
final class Codec {

    private Codec() {
    }

    static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("corrupt accumulator bytes: varint longer than 10 bytes");
    }

    /** Zigzag keeps small negative numbers short as varints. */
    static void writeZigzag(ByteSink out, long v) {
        out.writeVarLong((v << 1) ^ (v >> 63));
    }

    static long readZigzag(ByteBuffer in) {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    static void writeBlob(ByteSink out, byte[] bytes) {
        out.writeVarLong(bytes.length);
        out.writeBytes(bytes);
    }

    static byte[] readBlob(ByteBuffer in) {
        long len = readVarLong(in);
        if (len < 0 || len > in.remaining()) {
            throw new IllegalArgumentException("corrupt accumulator bytes: length " + len + " exceeds the " + in.remaining() + " left");
        }
        byte[] bytes = new byte[(int) len];
        in.get(bytes);
        return bytes;
    }

    static void writeString(ByteSink out, String s) {
        writeBlob(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(ByteBuffer in) {
        return new String(readBlob(in), StandardCharsets.UTF_8);
    }
}
