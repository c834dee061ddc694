package dev.tally.engine.record;

import java.util.Arrays;

/**
 * The decoded fields of the record being processed, one slot per field name the job uses (slots are
 * assigned at compile time). Numbers are kept unboxed so that reading a time or a key does not
 * allocate; {@link #get(int)} boxes on demand for expressions and aggregate inputs.
 */
final class Fields {
    static final byte ABSENT = 0;
    static final byte NULL = 1;
    static final byte LONG = 2;
    static final byte DOUBLE = 3;
    static final byte OBJECT = 4;

    private final byte[] kinds;
    private final long[] numbers;
    private final Object[] objects;

    Fields(int size) {
        kinds = new byte[size];
        numbers = new long[size];
        objects = new Object[size];
    }

    void clear() {
        Arrays.fill(kinds, ABSENT);
    }

    byte kind(int slot) {
        return kinds[slot];
    }

    /** True when the field is absent or JSON null. */
    boolean isMissing(int slot) {
        return kinds[slot] <= NULL;
    }

    long longValue(int slot) {
        return numbers[slot];
    }

    double doubleValue(int slot) {
        return Double.longBitsToDouble(numbers[slot]);
    }

    /** The object of an {@link #OBJECT} slot: a String, a Boolean or another value set by an expression. */
    Object object(int slot) {
        return objects[slot];
    }

    /** The field's value as an object: Long, Double, String, Boolean, ... or null when missing. */
    Object get(int slot) {
        switch (kinds[slot]) {
            case LONG:
                return numbers[slot];
            case DOUBLE:
                return Double.longBitsToDouble(numbers[slot]);
            case OBJECT:
                return objects[slot];
            default:
                return null;
        }
    }

    void setNull(int slot) {
        kinds[slot] = NULL;
        objects[slot] = null;
    }

    void setLong(int slot, long value) {
        kinds[slot] = LONG;
        numbers[slot] = value;
    }

    void setDouble(int slot, double value) {
        kinds[slot] = DOUBLE;
        numbers[slot] = Double.doubleToRawLongBits(value);
    }

    /** Stores any value, normalising the narrower number types that expressions yield to long and double. */
    void set(int slot, Object value) {
        if (value == null) {
            setNull(slot);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            setLong(slot, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            setDouble(slot, ((Number) value).doubleValue());
        } else {
            kinds[slot] = OBJECT;
            objects[slot] = value;
        }
    }

    /** Copies the given slots into {@code target} (same size), so a flatMap can restore them per token. */
    void copySlots(int[] slots, Fields target) {
        for (int slot : slots) {
            target.kinds[slot] = kinds[slot];
            target.numbers[slot] = numbers[slot];
            target.objects[slot] = objects[slot];
        }
    }
}
