package dev.tally.engine.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Base of the aggregates over numbers. The literal decides the kind: an integer (Long, Integer, Short,
 * Byte, BigInteger, a BigDecimal of scale 0, a String like "42") is integral; a Double, Float, a BigDecimal
 * with a fraction part or a String with '.' or an exponent ("42.0", "1e3") is fractional. Null inputs are
 * ignored; anything else is rejected with an IllegalArgumentException, which dead-letters the record.
 * The dispatch allocates nothing for boxed inputs.
 */
abstract class NumericAccumulator implements Accumulator {
    static final byte EMPTY = 0;
    static final byte LONG = 1;
    static final byte DOUBLE = 2;

    /** For error messages: the aggregate's name and kind, e.g. "bytes (sum)". */
    final String label;

    NumericAccumulator(String label) {
        this.label = label;
    }

    abstract void addLong(long v);

    abstract void addDouble(double v);

    @Override
    public final void add(Object value, long eventTime) {
        if (value == null) {
            return;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            addLong(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            addDouble(((Number) value).doubleValue());
        } else if (value instanceof String s) {
            addString(s);
        } else if (value instanceof BigInteger b) {
            if (b.bitLength() < 64) {
                addLong(b.longValue());
            } else {
                addDouble(b.doubleValue());
            }
        } else if (value instanceof BigDecimal d) {
            addBigDecimal(d);
        } else {
            throw reject(value);
        }
    }

    private void addBigDecimal(BigDecimal d) {
        if (d.scale() <= 0 && d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
                && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
            addLong(d.longValueExact());
        } else {
            addDouble(d.doubleValue());
        }
    }

    private void addString(String raw) {
        String s = raw.strip();
        boolean fractional = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                fractional = true;
                break;
            }
        }
        try {
            if (!fractional && s.length() < 19) {
                addLong(Long.parseLong(s));
                return;
            }
            if (!fractional) {
                add(new BigInteger(s), 0L);
                return;
            }
            double d = Double.parseDouble(s);
            if (Double.isInfinite(d)) {
                throw reject(raw);
            }
            addDouble(d);
        } catch (NumberFormatException e) {
            throw reject(raw);
        }
    }

    private IllegalArgumentException reject(Object value) {
        String shown = String.valueOf(value);
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "...";
        }
        return new IllegalArgumentException("aggregate " + label + " needs a number, got "
                + value.getClass().getSimpleName() + " \"" + shown + "\"");
    }

    static void writeNumber(ByteSink out, byte state, long l, double d) {
        out.writeByte(state);
        if (state == LONG) {
            Codec.writeZigzag(out, l);
        } else if (state == DOUBLE) {
            out.writeDouble(d);
        }
    }

    static byte checkState(byte state) {
        if (state != EMPTY && state != LONG && state != DOUBLE) {
            throw new IllegalArgumentException("corrupt accumulator bytes: numeric state " + state);
        }
        return state;
    }
}
