package dev.tally.engine.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.engine.aggregate.Accumulator;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The output value of a window: {"key":..,"start":..,"end":..,"<aggregate>":..} in the job's aggregate
 * order. Sessions: start and end are the times of their first and last event. Global: {"key","updated",...}.
 *
 * <p>Written by hand into one reused buffer: a job in {@code emit: changes} writes a window per
 * record or more, and a JSON generator per window cost more than folding the record. Values that
 * are not plain numbers or strings (quantiles, top-k) go through Jackson.
 */
public final class WindowJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
    private static final byte[] KEY = bytes("{\"key\":\"");
    private static final byte[] START = bytes("\",\"start\":");
    private static final byte[] END = bytes(",\"end\":");
    private static final byte[] UPDATED = bytes("\",\"updated\":");

    private final byte[][] names;
    private final byte[] scratch = new byte[20];
    // A batch end emits a key's windows one after another, and every key the same few window
    // bounds: the last key's quoted bytes and recent bounds' digits are kept rather than rebuilt.
    private String lastKey;
    private byte[] lastKeyQuoted;
    private final long[] boundValues = new long[BOUND_CACHE];
    private final byte[][] boundDigits = new byte[BOUND_CACHE][];
    private static final int BOUND_CACHE = 1024;
    private final dev.tally.engine.aggregate.ByteSink buffer = new dev.tally.engine.aggregate.ByteSink(256);

    public WindowJson(JobPlan plan) {
        names = new byte[plan.functions.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = bytes(",\"" + new String(ENCODER.quoteAsString(plan.functions.get(i).name())) + "\":");
        }
    }

    public byte[] format(String key, long start, long end, Accumulator[] value) {
        head(key, start, end);
        for (int i = 0; i < value.length; i++) {
            buffer.writeBytes(names[i]);
            writeValue(value[i].result());
        }
        buffer.writeByte('}');
        return buffer.toByteArray();
    }

    /** A session that was merged into a larger one: readers drop the window (key, start, end). */
    public byte[] retraction(String key, long start, long end) {
        head(key, start, end);
        buffer.writeBytes(bytes(",\"retracted\":true}"));
        return buffer.toByteArray();
    }

    /** Global windows have no bounds, only the time of their last update. */
    private void head(String key, long start, long end) {
        buffer.reset();
        buffer.writeBytes(KEY);
        if (key != lastKey) {
            lastKeyQuoted = ENCODER.quoteAsUTF8(key);
            lastKey = key;
        }
        buffer.writeBytes(lastKeyQuoted);
        if (start == Long.MIN_VALUE) {
            buffer.writeBytes(UPDATED);
            digits(end);
        } else {
            buffer.writeBytes(START);
            bound(start);
            buffer.writeBytes(END);
            bound(end);
        }
    }

    private void writeValue(Object v) {
        if (v == null) {
            ascii("null");
        } else if (v instanceof Long || v instanceof Integer) {
            digits(((Number) v).longValue());
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            ascii(d.toString());
        } else if (v instanceof String s) {
            buffer.writeByte('"');
            buffer.writeBytes(ENCODER.quoteAsUTF8(s));
            buffer.writeByte('"');
        } else {
            try {
                buffer.writeBytes(MAPPER.writeValueAsBytes(v));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot write an aggregate value as JSON", e);
            }
        }
    }

    /** A window bound in decimal, from a small direct-mapped cache of recent bounds. */
    private void bound(long v) {
        int slot = (int) ((v * 0x9E3779B97F4A7C15L) >>> 54);
        byte[] cached = boundDigits[slot];
        if (cached == null || boundValues[slot] != v) {
            int from = buffer.size();
            digits(v);
            cached = buffer.copyOfRange(from);
            boundDigits[slot] = cached;
            boundValues[slot] = v;
            return;
        }
        buffer.writeBytes(cached);
    }

    /** A long in decimal, without a String per number. */
    private void digits(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            buffer.writeByte('-');
            v = -v;
        }
        int len = 1;
        for (long t = v; t >= 10; t /= 10) {
            len++;
        }
        for (int i = len - 1; i >= 0; i--) {
            scratch[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        buffer.writeBytes(scratch, 0, len);
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            buffer.writeByte(s.charAt(i));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
