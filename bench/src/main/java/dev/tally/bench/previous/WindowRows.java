package dev.tally.bench.previous;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of the output topic as row operations, the last per (key, window start) winning, in
 * the order the topic holds them: a window's newer value replaces its older one, a retraction
 * that comes after a value removes it. Written out as COPY text for the batch's temporary table.
 */
public final class WindowRows {
    static final int DELETE = 0;
    static final int UPSERT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** start == null: a global window (its row's window_start is -infinity). */
    private record RowKey(String key, Long start) {
    }

    private record Op(int kind, Long end, String[] values) {
    }

    private final List<SinkTable.Column> columns;
    private final Map<RowKey, Op> ops = new LinkedHashMap<>();
    private int records;

    public WindowRows(List<SinkTable.Column> columns) {
        this.columns = columns;
    }

    /**
     * Adds one output record.
     *
     * @param key   the record key (the grouping key, UTF-8)
     * @param value the window as the README's Output section describes it; null is a global key's tombstone
     * @throws IllegalArgumentException when the value is not a window record
     */
    public void add(byte[] key, byte[] value) {
        records++;
        if (value == null) {
            ops.put(new RowKey(new String(key, StandardCharsets.UTF_8), null), new Op(DELETE, null, null));
            return;
        }
        JsonNode w;
        try {
            w = MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON window record: " + e.getMessage(), e);
        }
        JsonNode k = w.get("key");
        if (k == null || !k.isTextual()) {
            throw new IllegalArgumentException("window record without a text \"key\"");
        }
        String rowKey = k.textValue();
        if (w.has("updated")) {
            ops.put(new RowKey(rowKey, null), new Op(UPSERT, w.get("updated").longValue(), values(w)));
            return;
        }
        long start = w.path("start").longValue();
        long end = w.path("end").longValue();
        boolean retracted = w.path("retracted").asBoolean(false);
        ops.put(new RowKey(rowKey, start), retracted ? new Op(DELETE, end, null) : new Op(UPSERT, end, values(w)));
    }

    /** Each aggregate as COPY text wants it: plain text for strings (first/last), JSON text otherwise. */
    private String[] values(JsonNode w) {
        String[] v = new String[columns.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = w.get(columns.get(i).name());
            if (n == null || n.isNull()) {
                v[i] = null;
            } else if (n.isTextual()) {
                v[i] = n.textValue();
            } else if (n.isValueNode()) {
                v[i] = n.asText();
            } else {
                v[i] = n.toString();
            }
        }
        return v;
    }

    /** Records added, before de-duplication. */
    public int records() {
        return records;
    }

    /** Row operations after de-duplication. */
    public int rows() {
        return ops.size();
    }

    boolean hasDeletes() {
        return ops.values().stream().anyMatch(o -> o.kind == DELETE);
    }

    boolean hasUpserts() {
        return ops.values().stream().anyMatch(o -> o.kind == UPSERT);
    }

    public void clear() {
        ops.clear();
        records = 0;
    }

    /** The batch in COPY's text format: tab-separated, \N for null, backslash escapes. */
    void writeCopy(Writer out) throws IOException {
        StringBuilder line = new StringBuilder(256);
        for (Map.Entry<RowKey, Op> e : ops.entrySet()) {
            Op op = e.getValue();
            line.setLength(0);
            line.append(op.kind).append('\t');
            escape(line, e.getKey().key);
            line.append('\t').append(e.getKey().start == null ? "\\N" : e.getKey().start.toString());
            line.append('\t').append(op.end == null ? "\\N" : op.end.toString());
            for (int i = 0; i < columns.size(); i++) {
                line.append('\t');
                String v = op.values == null ? null : op.values[i];
                if (v == null) {
                    line.append("\\N");
                } else {
                    escape(line, v);
                }
            }
            line.append('\n');
            out.append(line);
        }
    }

    private static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
    }
}
