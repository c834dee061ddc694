package dev.tally.connectors.postgres;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final Map<String, Integer> columnIndex = new HashMap<>();
    private int records;

    public WindowRows(List<SinkTable.Column> columns) {
        this.columns = columns;
        for (int i = 0; i < columns.size(); i++) {
            columnIndex.put(columns.get(i).name(), i);
        }
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
        // one pass of the streaming parser: no tree per record (a third of the sink's client time before)
        String rowKey = null;
        long start = 0;
        long end = 0;
        Long updated = null;
        boolean retracted = false;
        Object[] values = new Object[columns.size()];
        try (JsonParser p = MAPPER.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("window record without a text \"key\"");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "key" -> rowKey = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "start" -> start = whole(p, t);
                    case "end" -> end = whole(p, t);
                    case "updated" -> updated = whole(p, t);
                    case "retracted" -> retracted = t == JsonToken.VALUE_TRUE
                            || (t == JsonToken.VALUE_STRING && "true".equals(p.getText().trim()))
                            || (t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() != 0);
                    default -> { }
                }
                Integer column = columnIndex.get(field);
                if (column != null) {
                    values[column] = value(p, t);
                } else if (t.isStructStart()) {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON window record: " + e.getMessage(), e);
        }
        if (rowKey == null) {
            throw new IllegalArgumentException("window record without a text \"key\"");
        }
        if (updated != null) {
            ops.put(new RowKey(rowKey, null), new Op(UPSERT, updated, values));
        } else {
            ops.put(new RowKey(rowKey, start), retracted ? new Op(DELETE, end, null) : new Op(UPSERT, end, values));
        }
    }

    /** A number as a long, as JsonNode.longValue() reads it (anything else is 0). */
    private static long whole(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getValueAsLong() : 0;
    }

    /**
     * An aggregate as it came: a Long or Double for a JSON number that is one, else the text the
     * text COPY of earlier versions sent (so a value is accepted or refused exactly as before).
     */
    private static Object value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE, VALUE_FALSE -> t == JsonToken.VALUE_TRUE ? "true" : "false";
            default -> MAPPER.readTree(p).toString();
        };
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
