package dev.tally.engine.record;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.tally.engine.record.BadRecordException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code json}: streams over the value with Jackson's parser and keeps only the fields the job
 * reads (a tree of dotted paths); everything else is skipped without being materialised.
 * Integral numbers become longs (beyond a long: doubles), strings, booleans; a wanted field
 * holding an object or array gets its JSON text.
 */
final class JsonDecoder implements Decoder {
    // Thread-safe and costly to build; its field-name symbol table means names are not allocated per record.
    private static final Utf8JsonFactory FACTORY = new Utf8JsonFactory();

    private final Path root = new Path();

    /** @param paths dotted field paths and their slots */
    JsonDecoder(Map<String, Integer> paths) {
        paths.forEach((path, slot) -> {
            Path node = root;
            for (String part : path.split("\\.", -1)) {
                node = node.children.computeIfAbsent(part, p -> new Path());
            }
            node.slot = slot;
        });
    }

    @Override
    public void decode(byte[] value, Fields fields) throws BadRecordException {
        if (value == null) {
            throw Decoder.noValue();
        }
        try (JsonParser parser = FACTORY.parserFor(value)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadRecordException(Reason.UNDECODABLE, first == null
                        ? "empty value is not a JSON object"
                        : "value is not a JSON object: it starts with " + first.asString() + " at " + where(parser.currentTokenLocation()));
            }
            readObject(parser, root, value, fields);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new BadRecordException(Reason.UNDECODABLE,
                        "unexpected content after the JSON object at " + where(parser.currentTokenLocation()));
            }
        } catch (JsonProcessingException e) {
            throw new BadRecordException(Reason.UNDECODABLE,
                    "malformed JSON at " + where(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // A byte[] source has no I/O; anything else the parser raises is still a broken value.
            throw new BadRecordException(Reason.UNDECODABLE, "unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static void readObject(JsonParser parser, Path node, byte[] value, Fields fields) throws IOException {
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            Path child = node.children.get(name);
            if (child == null) {
                parser.skipChildren();
            } else {
                readValue(parser, token, child, value, fields);
            }
        }
    }

    private static void readValue(JsonParser parser, JsonToken token, Path node, byte[] value, Fields fields)
            throws IOException {
        int slot = node.slot;
        switch (token) {
            case START_OBJECT:
            case START_ARRAY:
                long start = slot >= 0 ? parser.currentTokenLocation().getByteOffset() : -1;
                if (token == JsonToken.START_OBJECT && !node.children.isEmpty()) {
                    readObject(parser, node, value, fields);
                } else {
                    parser.skipChildren();
                }
                if (slot >= 0) {
                    long end = parser.currentTokenLocation().getByteOffset() + 1;
                    fields.set(slot, new String(value, (int) start, (int) (end - start), StandardCharsets.UTF_8));
                }
                return;
            case VALUE_STRING:
                if (slot >= 0) {
                    fields.set(slot, parser.getText());
                }
                return;
            case VALUE_NUMBER_INT:
                if (slot >= 0) {
                    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        fields.setDouble(slot, parser.getDoubleValue());
                    } else {
                        fields.setLong(slot, parser.getLongValue());
                    }
                }
                return;
            case VALUE_NUMBER_FLOAT:
                if (slot >= 0) {
                    fields.setDouble(slot, parser.getDoubleValue());
                }
                return;
            case VALUE_TRUE:
            case VALUE_FALSE:
                if (slot >= 0) {
                    fields.set(slot, token == JsonToken.VALUE_TRUE);
                }
                return;
            default:
                if (slot >= 0) {
                    fields.setNull(slot);
                }
        }
    }

    private static String where(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** A node of the wanted-path tree: a field name, the slot its value goes to (or -1), wanted children. */
    private static final class Path {
        final Map<String, Path> children = new HashMap<>();
        int slot = -1;
    }
}
