package dev.tally.engine.record;

/** Conversions between field values and their text, shared by keys, split and expression functions. */
final class Values {
    /** Doubles beyond 2^63 cannot be printed as a long; they keep their double form. */
    private static final double LONG_LIMIT = 0x1p63;

    private Values() {
    }

    /** The text of a value: strings as they are, integral numbers without ".0", null stays null. */
    static String text(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Double || value instanceof Float) {
            return text(((Number) value).doubleValue());
        }
        return value.toString();
    }

    static String text(double value) {
        if (value == Math.rint(value) && Math.abs(value) < LONG_LIMIT) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** The text of a slot, without boxing numbers; null when the field is missing. */
    static String text(Fields fields, int slot) {
        switch (fields.kind(slot)) {
            case Fields.LONG:
                return Long.toString(fields.longValue(slot));
            case Fields.DOUBLE:
                return text(fields.doubleValue(slot));
            case Fields.OBJECT:
                return text(fields.object(slot));
            default:
                return null;
        }
    }

    /**
     * Parses a string that looks like a number written by a program: an optional minus, digits
     * without a leading zero (so identifiers such as "007" stay text), an optional fraction and
     * exponent. Integral values that fit a long become Long, the rest Double; anything else is null.
     */
    static Number parseNumber(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && s.charAt(intStart) == '0')) {
            return null;
        }
        boolean integral = true;
        if (i < n && s.charAt(i) == '.') {
            integral = false;
            int fracStart = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fracStart) {
                return null;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == expStart) {
                return null;
            }
        }
        if (i != n) {
            return null;
        }
        if (integral && intDigits <= 18) {
            return Long.parseLong(s);
        }
        return Double.parseDouble(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
