package dev.tally.engine.record;

import java.util.Locale;

/**
 * The functions job expressions may call, unqualified: {@code len(page) > 3}, {@code lower(user)}.
 * They are the only Java code an expression can reach: method calls, {@code new}, and properties of
 * Java objects are refused (see {@link Expressions}). Null in, null out (len: 0; predicates: false).
 */
public final class ExpressionFunctions {
    private ExpressionFunctions() {
    }

    /** Length of a value's text; 0 for null. */
    public static int len(Object value) {
        String text = Values.text(value);
        return text == null ? 0 : text.length();
    }

    public static String lower(Object value) {
        String text = Values.text(value);
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    public static String upper(Object value) {
        String text = Values.text(value);
        return text == null ? null : text.toUpperCase(Locale.ROOT);
    }

    public static String trim(Object value) {
        String text = Values.text(value);
        return text == null ? null : text.strip();
    }

    public static boolean contains(Object value, Object part) {
        String text = Values.text(value);
        String wanted = Values.text(part);
        return text != null && wanted != null && text.contains(wanted);
    }

    public static boolean startsWith(Object value, Object prefix) {
        String text = Values.text(value);
        String wanted = Values.text(prefix);
        return text != null && wanted != null && text.startsWith(wanted);
    }

    public static boolean endsWith(Object value, Object suffix) {
        String text = Values.text(value);
        String wanted = Values.text(suffix);
        return text != null && wanted != null && text.endsWith(wanted);
    }

    /** A value's text, integral numbers without ".0": {@code str(status) == '200'}. */
    public static String str(Object value) {
        return Values.text(value);
    }

    /** A number from a number or a numeric string (surrounding blanks allowed); null when it is neither. */
    public static Number num(Object value) {
        if (value instanceof Number || value == null) {
            return (Number) value;
        }
        String text = Values.text(value).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notIntegral) {
            return parseDouble(text);
        }
    }

    private static Double parseDouble(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notNumeric) {
            return null;
        }
    }
}
