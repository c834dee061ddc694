package dev.tally.engine.record;

import java.util.HashMap;
import java.util.Map;
import org.apache.commons.jexl3.JexlContext;

/**
 * Expression variables, read straight from the current record's slots (no map per record). Every
 * field the job names is defined (a missing one is null). With {@code numericStrings} (csv) a
 * string that looks like a number (see {@link Values#parseNumber}) is seen as that number.
 */
final class FieldsContext implements JexlContext {
    private final Map<String, Integer> slots;
    private final Fields fields;
    private final boolean numericStrings;

    FieldsContext(Map<String, Integer> slots, Fields fields, boolean numericStrings) {
        this.slots = new HashMap<>(slots);
        this.fields = fields;
        this.numericStrings = numericStrings;
    }

    @Override
    public Object get(String name) {
        Integer slot = slots.get(name);
        if (slot == null) {
            return null;
        }
        Object value = fields.get(slot);
        if (numericStrings && value instanceof String) {
            Number number = Values.parseNumber((String) value);
            return number != null ? number : value;
        }
        return value;
    }

    @Override
    public boolean has(String name) {
        return slots.containsKey(name);
    }

    @Override
    public void set(String name, Object value) {
        throw new UnsupportedOperationException("expressions cannot assign fields");
    }
}
