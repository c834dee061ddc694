package dev.tally.engine.record;

import java.nio.charset.StandardCharsets;

/** {@code text}: the whole value, as UTF-8, is the field {@code line} (no terminator is stripped). */
final class TextDecoder implements Decoder {
    static final String LINE = "line";

    private final int lineSlot;

    /** @param lineSlot the slot of {@code line}, or -1 when the job never reads it */
    TextDecoder(int lineSlot) {
        this.lineSlot = lineSlot;
    }

    @Override
    public void decode(byte[] value, Fields fields) throws BadRecordException {
        if (value == null) {
            throw Decoder.noValue();
        }
        if (lineSlot >= 0) {
            fields.set(lineSlot, new String(value, StandardCharsets.UTF_8));
        }
    }
}
