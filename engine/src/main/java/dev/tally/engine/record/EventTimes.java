package dev.tally.engine.record;

import dev.tally.config.TimeConfig;
import dev.tally.engine.record.BadRecordException.Reason;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Reads an event time (epoch millis) from a field, per {@link TimeConfig.Format}. Epoch formats take
 * numbers and numeric strings (csv); a null format takes numbers as epoch millis and other strings
 * as ISO-8601.
 */
final class EventTimes {
    private EventTimes() {
    }

    /** The event time in the slot; the common case (a long field) does not allocate. */
    static long read(Fields fields, int slot, TimeConfig.Format format, String field) throws BadRecordException {
        switch (fields.kind(slot)) {
            case Fields.LONG:
                return fromLong(fields.longValue(slot), format, field);
            case Fields.DOUBLE:
                return fromDouble(fields.doubleValue(slot), format, field);
            case Fields.OBJECT:
                return fromObject(fields.object(slot), format, field);
            default:
                throw new BadRecordException(Reason.MISSING_TIME, "time field '" + field + "' is missing");
        }
    }

    static long fromObject(Object value, TimeConfig.Format format, String field) throws BadRecordException {
        if (value == null) {
            throw new BadRecordException(Reason.MISSING_TIME, "time field '" + field + "' is missing");
        }
        if (value instanceof Long || value instanceof Integer) {
            return fromLong(((Number) value).longValue(), format, field);
        }
        if (value instanceof Double || value instanceof Float) {
            return fromDouble(((Number) value).doubleValue(), format, field);
        }
        if (!(value instanceof String)) {
            throw bad(field, value, format);
        }
        String text = ((String) value).trim();
        if (format == TimeConfig.Format.ISO_8601) {
            return fromIso(text, field);
        }
        Number number = Values.parseNumber(text);
        if (format == null && number == null) {
            return fromIso(text, field);
        }
        if (number instanceof Long) {
            return fromLong(number.longValue(), format, field);
        }
        if (number != null) {
            return fromDouble(number.doubleValue(), format, field);
        }
        throw bad(field, value, format);
    }

    private static long fromLong(long value, TimeConfig.Format format, String field) throws BadRecordException {
        if (format == TimeConfig.Format.ISO_8601) {
            throw bad(field, value, format);
        }
        if (format == TimeConfig.Format.EPOCH_SECONDS) {
            if (Math.abs(value) > Long.MAX_VALUE / 1000) {
                throw bad(field, value, format);
            }
            return value * 1000;
        }
        return value;
    }

    private static long fromDouble(double value, TimeConfig.Format format, String field) throws BadRecordException {
        // Bounds on the double itself: a cast to long would silently saturate instead of failing.
        double millis = format == TimeConfig.Format.EPOCH_SECONDS ? value * 1000 : value;
        boolean usable = format != TimeConfig.Format.ISO_8601
                && Math.abs(millis) < 0x1p63
                && (format == TimeConfig.Format.EPOCH_SECONDS || millis == Math.rint(millis));
        if (!usable) {
            throw bad(field, value, format);
        }
        return Math.round(millis);
    }

    private static long fromIso(String text, String field) throws BadRecordException {
        try {
            // ISO_DATE_TIME takes "Z", "+02:00" and "[Europe/Paris]" forms; a local time without offset fails.
            return Instant.from(DateTimeFormatter.ISO_DATE_TIME.parse(text)).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadRecordException(Reason.BAD_TIME,
                    "time field '" + field + "' is not an ISO-8601 instant with an offset: '" + text + "'", e);
        }
    }

    private static BadRecordException bad(String field, Object value, TimeConfig.Format format) {
        return new BadRecordException(Reason.BAD_TIME,
                "time field '" + field + "' is not usable as " + format + ": " + value);
    }
}
