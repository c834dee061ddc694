package dev.tally.engine.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Utf8JsonFactoryTest {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    static Stream<byte[]> values() {
        return Stream.of(
                utf8("{\"user\":\"u1\",\"ts\":1700000000000,\"bytes\":512}"),
                utf8("{\"name\":\"Zoë 🚀\",\"nested\":{\"a\":[1,2.5,true,null]}}"),
                utf8("  {\"a\":1}  "),
                utf8("{\"a\":1} trailing"),
                utf8("{\"a\":"),
                utf8("{\"a\" 1}"),
                utf8("[1,2]"),
                utf8("7"),
                utf8(""),
                concat(BOM, utf8("{\"a\":\"bom\"}")),
                "{\"a\":\"wide\"}".getBytes(StandardCharsets.UTF_16BE),
                "{\"a\":\"wide\"}".getBytes(StandardCharsets.UTF_16LE),
                new byte[] {'{', (byte) 0xC3, '}'});
    }

    @ParameterizedTest
    @MethodSource("values")
    void shouldReadTheSameTokensAndErrorsAsJacksonWhenGivenAnyValue(byte[] value) throws IOException {
        List<String> expected = tokens(new JsonFactory().createParser(value));
        List<String> actual = tokens(new Utf8JsonFactory().parserFor(value));
        assertEquals(expected, actual);
    }

    /** Every token with its text, then the error message (without location) if parsing fails. */
    private static List<String> tokens(JsonParser parser) throws IOException {
        List<String> out = new ArrayList<>();
        try (parser) {
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                out.add(t + ":" + parser.getText());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            out.add("error: " + e.getOriginalMessage());
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
