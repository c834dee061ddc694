package dev.tally.engine.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tally.config.JobConfig;
import dev.tally.config.TransformStep;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job keeps of a table's records: only the fields its lookups copy, decoded from the JSON
 * value as the source records are, and stored as a small JSON array in that order. A table of
 * wide profiles costs the store only the few fields the job reads.
 */
public final class TableProjection {
    private static final JsonFactory JSON = new JsonFactory();

    private final List<String> fields;
    private final JsonDecoder decoder;
    private final Fields slots;

    private TableProjection(List<String> fields) {
        this.fields = List.copyOf(fields);
        Map<String, Integer> paths = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            paths.put(fields.get(i), i);
        }
        this.decoder = new JsonDecoder(paths);
        this.slots = new Fields(fields.size());
    }

    /** The fields the job's lookups read from {@code table}, in the order they first appear. */
    public static TableProjection of(JobConfig job, String table) {
        Set<String> fields = new LinkedHashSet<>();
        for (TransformStep step : job.transform()) {
            if (step instanceof TransformStep.Lookup lookup && lookup.table().equals(table)) {
                fields.addAll(lookup.fields().values());
            }
        }
        return new TableProjection(new ArrayList<>(fields));
    }

    public List<String> fields() {
        return fields;
    }

    /**
     * The stored form of one table record's value: its projected fields.
     *
     * @throws BadRecordException (UNDECODABLE) when the value is not a JSON object
     */
    public synchronized byte[] project(byte[] value) throws BadRecordException {
        slots.clear();
        decoder.decode(value, slots);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + value.length / 4);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < fields.size(); i++) {
                switch (slots.kind(i)) {
                    case Fields.LONG -> g.writeNumber(slots.longValue(i));
                    case Fields.DOUBLE -> g.writeNumber(slots.doubleValue(i));
                    case Fields.OBJECT -> {
                        Object o = slots.object(i);
                        if (o instanceof Boolean b) {
                            g.writeBoolean(b);
                        } else {
                            g.writeString(String.valueOf(o));
                        }
                    }
                    default -> g.writeNull();
                }
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** The values of a stored row, in {@link #fields()} order. */
    public Object[] decode(byte[] stored) {
        Object[] values = new Object[fields.size()];
        try (JsonParser p = JSON.createParser(stored)) {
            p.nextToken();
            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY && i < values.length; i++) {
                values[i] = switch (p.currentToken()) {
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case VALUE_STRING -> p.getText();
                    default -> null;
                };
            }
        } catch (IOException e) {
            throw new IllegalStateException("a stored table row is not the array this job writes", e);
        }
        return values;
    }

    /**
     * Names the stored copy of a table after what it holds, so a job that changes the topic or the
     * fields it copies starts a fresh copy (and reloads) instead of reading rows of another shape.
     */
    public String storageName(String table, String topic) {
        return table + "@" + Integer.toHexString((topic + "\u0000" + String.join("\u0000", fields)).hashCode());
    }
}
