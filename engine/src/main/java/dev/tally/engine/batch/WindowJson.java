package dev.tally.engine.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.engine.aggregate.Accumulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The output value of a window: {"key":..,"start":..,"end":..,"<aggregate>":..} in the job's aggregate
 * order. Sessions: start and end are the times of their first and last event. Global: {"key","updated",...}.
 */
public final class WindowJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JobPlan plan;
    private final JsonFactory factory = MAPPER.getFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

    public WindowJson(JobPlan plan) {
        this.plan = plan;
    }

    public byte[] format(String key, long start, long end, Accumulator[] value) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.setCodec(MAPPER);
            g.writeStartObject();
            g.writeStringField("key", key);
            writeBounds(g, start, end);
            for (int i = 0; i < value.length; i++) {
                g.writeFieldName(plan.functions.get(i).name());
                g.writeObject(value[i].result());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write window JSON", e);
        }
        return buffer.toByteArray();
    }

    /** A session that was merged into a larger one: readers drop the window (key, start, end). */
    public byte[] retraction(String key, long start, long end) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("key", key);
            writeBounds(g, start, end);
            g.writeBooleanField("retracted", true);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write window JSON", e);
        }
        return buffer.toByteArray();
    }

    /** Global windows have no bounds, only the time of their last update. */
    private static void writeBounds(JsonGenerator g, long start, long end) throws IOException {
        if (start == Long.MIN_VALUE) {
            g.writeNumberField("updated", end);
        } else {
            g.writeNumberField("start", start);
            g.writeNumberField("end", end);
        }
    }
}
