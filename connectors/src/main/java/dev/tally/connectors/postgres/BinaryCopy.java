package dev.tally.connectors.postgres;

import java.sql.SQLException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Rows in PostgreSQL's binary COPY format, built in one reused byte buffer and handed to the
 * server in 64 KiB chunks. Binary spares the server parsing timestamps and numbers from text,
 * and the sink turning every number into a String first.
 */
final class BinaryCopy {
    /** Where the bytes go: the driver's {@code CopyIn.writeToCopy}. */
    interface Target {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    /** A value the column's type cannot hold; the server would have refused its text just the same. */
    static final class BadValue extends IllegalArgumentException {
        final String column;

        BadValue(String column, String message) {
            super(message);
            this.column = column;
        }
    }

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final int CHUNK = 1 << 16;
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp origin, in Unix milliseconds. */
    private static final long PG_EPOCH_MS = 946_684_800_000L;

    private final Target target;
    private byte[] buf = new byte[CHUNK + 1024];
    private int at;
    /** Base-10000 digits of a long, lowest first. */
    private final short[] digits = new short[5];

    BinaryCopy(Target target) {
        this.target = target;
        bytes(HEADER, 0, HEADER.length);
    }

    void row(int fields) throws SQLException {
        if (at >= CHUNK) {
            target.write(buf, 0, at);
            at = 0;
        }
        int16(fields);
    }

    /** The trailer, then everything still buffered. */
    void finish() throws SQLException {
        int16(-1);
        target.write(buf, 0, at);
        at = 0;
    }

    void nullValue() {
        int32(-1);
    }

    void int2(int v) {
        int32(2);
        int16(v);
    }

    void int8(long v) {
        int32(8);
        int64(v);
    }

    void float8(double v) {
        int8(Double.doubleToRawLongBits(v));
    }

    void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int32(b.length);
        bytes(b, 0, b.length);
    }

    /** jsonb's binary form: a version byte, then the JSON text. */
    void jsonb(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int32(b.length + 1);
        ensure(1);
        buf[at++] = 1;
        bytes(b, 0, b.length);
    }

    /** Unix milliseconds as timestamptz; {@code null} start of a global window is -infinity. */
    void timestamp(Long millis, boolean minusInfinityWhenNull) {
        if (millis == null) {
            if (minusInfinityWhenNull) {
                int8(Long.MIN_VALUE);
            } else {
                nullValue();
            }
        } else {
            int8((millis - PG_EPOCH_MS) * 1000);
        }
    }

    /** numeric's binary form: base-10000 digits, the weight of the first, the sign, the scale. */
    void numeric(BigDecimal d) {
        String plain = d.abs().toPlainString();
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        int dscale = fraction.length();
        String digits = "0".repeat((4 - whole.length() % 4) % 4) + whole + fraction + "0".repeat((4 - fraction.length() % 4) % 4);
        int groups = digits.length() / 4;
        int weight = (whole.length() + 3) / 4 - 1;
        int first = 0;
        int last = groups;
        while (first < last && digits.startsWith("0000", first * 4)) {
            first++;
            weight--;
        }
        while (last > first && digits.startsWith("0000", (last - 1) * 4)) {
            last--;
        }
        int n = last - first;
        int32(8 + 2 * n);
        int16(n);
        int16(n == 0 ? 0 : weight);
        int16(d.signum() < 0 ? 0x4000 : 0);
        int16(dscale);
        for (int g = first; g < last; g++) {
            int16(Integer.parseInt(digits, g * 4, g * 4 + 4, 10));
        }
    }

    /** A whole number as numeric, without going through BigDecimal (sums of counts are the common case). */
    void numeric(long v) {
        if (v == Long.MIN_VALUE) {
            numeric(BigDecimal.valueOf(v));
            return;
        }
        long rest = Math.abs(v);
        int groups = 0;
        for (long r = rest; r != 0; r /= 10_000) {
            digits[groups++] = (short) (r % 10_000);
        }
        int low = 0;
        while (low < groups && digits[low] == 0) {
            low++;
        }
        int n = groups - low;
        int32(8 + 2 * n);
        int16(n);
        int16(n == 0 ? 0 : groups - 1);
        int16(v < 0 ? 0x4000 : 0);
        int16(0);
        for (int g = groups - 1; g >= low; g--) {
            int16(digits[g]);
        }
    }

    /** NaN and the infinities, which numeric has (infinities from PostgreSQL 14) and BigDecimal has not. */
    void numericSpecial(double v) {
        int32(8);
        int16(0);
        int16(0);
        int16(Double.isNaN(v) ? 0xC000 : v > 0 ? 0xD000 : 0xF000);
        int16(0);
    }

    private void int16(int v) {
        ensure(2);
        buf[at++] = (byte) (v >>> 8);
        buf[at++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buf[at++] = (byte) (v >>> 24);
        buf[at++] = (byte) (v >>> 16);
        buf[at++] = (byte) (v >>> 8);
        buf[at++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, at, len);
        at += len;
    }

    private void ensure(int more) {
        if (at + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, at + more));
        }
    }
}
