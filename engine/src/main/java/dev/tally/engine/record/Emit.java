package dev.tally.engine.record;

import dev.tally.config.TimeConfig;
import dev.tally.engine.record.BadRecordException.Reason;
import dev.tally.engine.record.Expressions.Expression;
import java.nio.charset.StandardCharsets;

/** The last link: takes the key, the event time and the aggregate inputs of the event and hands them on. */
final class Emit extends Step {
    /** Where the key comes from: one of a field slot, an expression, or the Kafka record key. */
    static final class KeySource {
        final int slot;
        final Expression expression;
        final String name;

        private KeySource(int slot, Expression expression, String name) {
            this.slot = slot;
            this.expression = expression;
            this.name = name;
        }

        static KeySource field(int slot, String name) {
            return new KeySource(slot, null, name);
        }

        static KeySource expression(Expression expression) {
            return new KeySource(-1, expression, "key expression");
        }

        static KeySource recordKey() {
            return new KeySource(-1, null, "the Kafka record key");
        }
    }

    private final KeySource keySource;
    private final FieldsContext context;
    private final TimeConfig.Type timeType;
    private final int timeSlot;
    private final TimeConfig.Format timeFormat;
    private final String timeField;
    private final int[] inputSlots;
    /** Per aggregate: its name when it needs numbers (sum, min, max, avg, quantiles), else null. */
    private final String[] numericNames;
    private final Object[] inputs;

    private byte[] recordKey;
    private String recordKeyText;
    private long logAppendTime;
    private long processingTime;
    private KeyedEventSink target;

    /**
     * @param inputSlots one per aggregate: the slot of its field, or -1 (count)
     * @param inputs     the array handed to the sink, reused for every event
     */
    Emit(KeySource keySource, FieldsContext context, TimeConfig time, int timeSlot, int[] inputSlots,
         String[] numericNames, Object[] inputs) {
        this.keySource = keySource;
        this.context = context;
        this.timeType = time.type();
        this.timeSlot = timeSlot;
        this.timeFormat = time.format();
        this.timeField = time.field();
        this.inputSlots = inputSlots.clone();
        this.numericNames = numericNames.clone();
        this.inputs = inputs;
    }

    void begin(byte[] kafkaKey, long logAppend, long processing, KeyedEventSink sink) {
        recordKey = kafkaKey;
        recordKeyText = null;
        logAppendTime = logAppend;
        processingTime = processing;
        target = sink;
    }

    @Override
    void run(Fields fields) throws BadRecordException {
        String key = key(fields);
        long time = time(fields);
        for (int i = 0; i < inputSlots.length; i++) {
            int slot = inputSlots[i];
            Object v = slot < 0 ? null : fields.get(slot);
            inputs[i] = v == null || numericNames[i] == null || v instanceof Number ? v : number(v, i);
        }
        target.accept(key, time, inputs);
    }

    /**
     * A numeric aggregate's input must be a number before any accumulator sees it: rejecting it
     * here dead-letters the record whole, instead of after other aggregates already counted it.
     */
    private Number number(Object v, int aggregate) throws BadRecordException {
        if (v instanceof String s) {
            String t = s.strip();
            Number n = Values.parseNumber(t);
            if (n != null) {
                return n;
            }
            try {
                return new java.math.BigDecimal(t);
            } catch (NumberFormatException e) {
                // falls through to the rejection below, which names the value
            }
        }
        String shown = String.valueOf(v);
        throw new BadRecordException(Reason.BAD_VALUE, "aggregate " + numericNames[aggregate] + " needs a number, got \""
                + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown) + "\"");
    }

    private String key(Fields fields) throws BadRecordException {
        String key;
        if (keySource.slot >= 0) {
            key = Values.text(fields, keySource.slot);
        } else if (keySource.expression != null) {
            key = Values.text(keySource.expression.evaluate(context));
        } else {
            // A split record emits many events with the same Kafka key: decode it once.
            if (recordKeyText == null && recordKey != null) {
                recordKeyText = new String(recordKey, StandardCharsets.UTF_8);
            }
            key = recordKeyText;
        }
        if (key == null) {
            throw new BadRecordException(Reason.MISSING_KEY, keySource.name + " is missing");
        }
        return key;
    }

    /** The record's time as the job defines it; also what an as-of lookup looks up at. Call after {@link #begin}. */
    long time(Fields fields) throws BadRecordException {
        switch (timeType) {
            case EVENT:
                return EventTimes.read(fields, timeSlot, timeFormat, timeField);
            case LOG_APPEND:
                return logAppendTime;
            default:
                return processingTime;
        }
    }
}
