package dev.tally.engine.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * First or last: the value with the smallest (first) or largest (last) event time. On equal times first
 * keeps the value added earlier and last the one added later; {@code merge(other)} counts {@code other} as
 * added after this. Null inputs are ignored (a missing field is not a value).
 *
 * <p>The value is kept as given, so add allocates nothing; it is normalised (integral numbers to Long,
 * Float to Double, BigInteger to Long when it fits) when read or written. Values other than numbers,
 * strings and booleans are kept as their {@code toString()}.
 */
final class FirstLastAccumulator implements Accumulator {
    private static final byte NONE = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte STRING = 3;
    private static final byte TRUE = 4;
    private static final byte FALSE = 5;
    private static final byte DECIMAL = 6;

    private final boolean last;
    private Object value;
    private long time;

    FirstLastAccumulator(boolean last) {
        this.last = last;
    }

    @Override
    public void add(Object v, long eventTime) {
        if (v != null && (value == null || (last ? eventTime >= time : eventTime < time))) {
            value = v;
            time = eventTime;
        }
    }

    @Override
    public void merge(Accumulator other) {
        FirstLastAccumulator o = (FirstLastAccumulator) other;
        add(o.value, o.time);
    }

    @Override
    public Accumulator copy() {
        FirstLastAccumulator c = new FirstLastAccumulator(last);
        c.value = value;
        c.time = time;
        return c;
    }

    @Override
    public void write(ByteSink out) {
        Object v = normalize(value);
        if (v == null) {
            out.writeByte(NONE);
            return;
        }
        if (v instanceof Long l) {
            out.writeByte(LONG);
            Codec.writeZigzag(out, l);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(DECIMAL);
            Codec.writeString(out, d.toString());
        } else {
            out.writeByte(STRING);
            Codec.writeString(out, (String) v);
        }
        Codec.writeZigzag(out, time);
    }

    static FirstLastAccumulator read(boolean last, ByteBuffer in) {
        FirstLastAccumulator a = new FirstLastAccumulator(last);
        byte tag = in.get();
        a.value = switch (tag) {
            case NONE -> null;
            case LONG -> Codec.readZigzag(in);
            case DOUBLE -> in.getDouble();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case DECIMAL -> new BigDecimal(Codec.readString(in));
            case STRING -> Codec.readString(in);
            default -> throw new IllegalArgumentException("corrupt accumulator bytes: first/last tag " + tag);
        };
        if (a.value != null) {
            a.time = Codec.readZigzag(in);
        }
        return a;
    }

    private static Object normalize(Object v) {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean
                || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : new BigDecimal(b);
        }
        return v.toString();
    }

    @Override
    public Object result() {
        return normalize(value);
    }
}
