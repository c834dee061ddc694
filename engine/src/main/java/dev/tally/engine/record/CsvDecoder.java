package dev.tally.engine.record;

import dev.tally.engine.record.BadRecordException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * {@code csv}: one RFC-4180 row per record value. A quoted field may hold delimiters, line breaks
 * and doubled quotes; an empty unquoted field is null while {@code ""} is the empty string; one
 * trailing line break is ignored; missing trailing columns are absent and extra ones are ignored.
 * Values stay strings (the key "007" stays "007"); expressions see numeric-looking ones as numbers.
 */
final class CsvDecoder implements Decoder {
    private final int[] columnSlots;
    private final char delimiter;
    private final StringBuilder quoted = new StringBuilder();

    /** @param columnSlots the slot of each column, -1 for the columns the job never reads */
    CsvDecoder(int[] columnSlots, char delimiter) {
        this.columnSlots = columnSlots.clone();
        this.delimiter = delimiter;
    }

    @Override
    public void decode(byte[] value, Fields fields) throws BadRecordException {
        if (value == null) {
            throw Decoder.noValue();
        }
        String row = new String(value, StandardCharsets.UTF_8);
        int end = row.length();
        if (end > 0 && row.charAt(end - 1) == '\n') {
            end--;
            if (end > 0 && row.charAt(end - 1) == '\r') {
                end--;
            }
        }
        int column = 0;
        int i = 0;
        while (true) {
            int slot = column < columnSlots.length ? columnSlots[column] : -1;
            if (i < end && row.charAt(i) == '"') {
                i = readQuoted(row, i + 1, end, column);
                if (slot >= 0) {
                    fields.set(slot, quoted.toString());
                }
            } else {
                int stop = row.indexOf(delimiter, i);
                if (stop < 0 || stop > end) {
                    stop = end;
                }
                if (slot >= 0) {
                    fields.set(slot, stop == i ? null : row.substring(i, stop));
                }
                i = stop;
            }
            column++;
            if (i >= end) {
                return;
            }
            i++;
        }
    }

    /** Reads a quoted field starting after its opening quote into {@link #quoted}; returns the index after it. */
    private int readQuoted(String row, int start, int end, int column) throws BadRecordException {
        quoted.setLength(0);
        int i = start;
        while (true) {
            if (i >= end) {
                throw new BadRecordException(Reason.UNDECODABLE,
                        "csv column " + column + ": quote opened at character " + (start - 1) + " is never closed");
            }
            char c = row.charAt(i);
            if (c != '"') {
                quoted.append(c);
                i++;
            } else if (i + 1 < end && row.charAt(i + 1) == '"') {
                quoted.append('"');
                i += 2;
            } else {
                i++;
                break;
            }
        }
        if (i < end && row.charAt(i) != delimiter) {
            throw new BadRecordException(Reason.UNDECODABLE,
                    "csv column " + column + ": unexpected character '" + row.charAt(i) + "' after closing quote at character " + i);
        }
        return i;
    }
}
