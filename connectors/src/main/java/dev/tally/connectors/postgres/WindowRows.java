package dev.tally.connectors.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One batch of the output topic as row operations, the last per (key, window start) winning, in
 * the order the topic holds them: a window's newer value replaces its older one, a retraction
 * that comes after a value removes it. Written out as binary COPY, for the result table itself or
 * for the batch's temporary table.
 */
public final class WindowRows {
    static final int DELETE = 0;
    static final int UPSERT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** start == null: a global window (its row's window_start is -infinity). */
    private record RowKey(String key, Long start) {
    }

    private record Op(int kind, Long end, Object[] values) {
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

    /**
     * Each aggregate as it came: a Long or Double for a JSON number that is one, else the text the
     * text COPY of earlier versions sent (so a value is accepted or refused exactly as before).
     */
    private Object[] values(JsonNode w) {
        Object[] v = new Object[columns.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = w.get(columns.get(i).name());
            if (n == null || n.isNull()) {
                v[i] = null;
            } else if (n.isTextual()) {
                v[i] = n.textValue();
            } else if (n.isIntegralNumber() && n.canConvertToLong()) {
                v[i] = n.longValue();
            } else if (n.isDouble()) {
                v[i] = n.doubleValue();
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

    /**
     * The batch in binary COPY format, sorted by (key, window start) so the primary key's B-tree is
     * walked in order. {@code intoTable}: the result table's columns (key, window_start, window_end,
     * aggregates; updated_at takes its default); otherwise the batch table's, which lead with the op.
     */
    void writeCopy(BinaryCopy out, boolean intoTable) throws SQLException {
        List<Map.Entry<RowKey, Op>> sorted = new ArrayList<>(ops.entrySet());
        sorted.sort(IN_KEY_ORDER);
        int fields = columns.size() + (intoTable ? 3 : 4);
        for (Map.Entry<RowKey, Op> e : sorted) {
            Op op = e.getValue();
            out.row(fields);
            if (!intoTable) {
                out.int2(op.kind);
            }
            out.text(e.getKey().key);
            out.timestamp(e.getKey().start, true);
            out.timestamp(op.end, false);
            for (int i = 0; i < columns.size(); i++) {
                Object v = op.values == null ? null : op.values[i];
                if (v == null) {
                    out.nullValue();
                } else {
                    value(out, columns.get(i), v);
                }
            }
        }
        out.finish();
    }

    /** Only for locality: String order is close to the byte order of the key's COLLATE "C". */
    private static final Comparator<Map.Entry<RowKey, Op>> IN_KEY_ORDER = (a, b) -> {
        int c = a.getKey().key.compareTo(b.getKey().key);
        if (c != 0) {
            return c;
        }
        Long x = a.getKey().start;
        Long y = b.getKey().start;
        return x == null ? (y == null ? 0 : -1) : y == null ? 1 : Long.compare(x, y);
    };

    private static void value(BinaryCopy out, SinkTable.Column column, Object v) {
        try {
            switch (column.type()) {
                case "bigint" -> out.int8(v instanceof Long l ? l : Long.parseLong(text(v).trim()));
                case "double precision" -> out.float8(v instanceof Long l ? (double) l
                        : v instanceof Double d ? d : Double.parseDouble(text(v)));
                case "numeric" -> {
                    if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                        out.numericSpecial(d);
                    } else if (v instanceof String s && SPECIAL.containsKey(s.trim().toLowerCase(Locale.ROOT))) {
                        out.numericSpecial(SPECIAL.get(s.trim().toLowerCase(Locale.ROOT)));
                    } else if (v instanceof Long l) {
                        out.numeric(l);
                    } else {
                        out.numeric(new BigDecimal(text(v).trim()));
                    }
                }
                case "jsonb" -> out.jsonb(text(v));
                default -> out.text(text(v));
            }
        } catch (NumberFormatException e) {
            throw new BinaryCopy.BadValue(column.name(), "invalid input for type " + column.type() + ": \"" + text(v) + "\"");
        }
    }

    private static final Map<String, Double> SPECIAL = Map.of("nan", Double.NaN, "infinity", Double.POSITIVE_INFINITY,
            "+infinity", Double.POSITIVE_INFINITY, "-infinity", Double.NEGATIVE_INFINITY, "inf", Double.POSITIVE_INFINITY,
            "+inf", Double.POSITIVE_INFINITY, "-inf", Double.NEGATIVE_INFINITY);

    /** The text the earlier text COPY sent for this value. */
    private static String text(Object v) {
        return v instanceof String s ? s : v.toString();
    }
}
