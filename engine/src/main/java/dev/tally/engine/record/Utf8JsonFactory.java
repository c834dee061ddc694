package dev.tally.engine.record;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;

import java.io.IOException;

/**
 * Jackson's factory without its per-value encoding sniffing. {@link JsonFactory#createParser(byte[])}
 * inspects the first bytes for a BOM and UTF-16/32 on every call; for one small record value that
 * was a third of the parse (W1 profile). A value that starts like a BOM or a wide encoding still
 * takes Jackson's own path, so what is accepted and rejected does not change.
 */
final class Utf8JsonFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;

    JsonParser parserFor(byte[] value) throws IOException {
        if (mayNotBePlainUtf8(value)) {
            return createParser(value);
        }
        IOContext context = _createContext(_createContentReference(value, 0, value.length), true);
        context.setEncoding(JsonEncoding.UTF8);
        return new UTF8StreamJsonParser(context, _parserFeatures, null, _objectCodec,
                _byteSymbolCanonicalizer.makeChild(_factoryFeatures), value, 0, value.length, false);
    }

    /** A BOM (EF/FE/FF) or a zero byte in the first two: UTF-8 with BOM, UTF-16 or UTF-32. */
    static boolean mayNotBePlainUtf8(byte[] value) {
        if (value.length < 2) {
            return true;
        }
        int first = value[0] & 0xFF;
        return first == 0xEF || first == 0xFE || first == 0xFF || first == 0 || value[1] == 0;
    }
}
