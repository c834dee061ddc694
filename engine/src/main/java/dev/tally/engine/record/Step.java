package dev.tally.engine.record;

import dev.tally.engine.record.Expressions.Expression;
import java.util.Locale;

/**
 * One link of a compiled pipeline: does its work on the current fields and runs the next link
 * zero times (filtered out), once, or once per token (split). The last link emits the event.
 */
abstract class Step {
    private Step next;

    final void then(Step following) {
        this.next = following;
    }

    abstract void run(Fields fields) throws BadRecordException;

    final void runNext(Fields fields) throws BadRecordException {
        next.run(fields);
    }

    /** flatMap: runs the rest of the pipeline once per non-empty token, each starting from the same fields. */
    static final class Split extends Step {
        private final int fromSlot;
        private final int toSlot;
        private final Tokenizer tokenizer;
        private final int[] laterWrites;
        private final Fields saved;

        /** @param laterWrites slots that later steps overwrite: restored before each token after the first */
        Split(int fromSlot, int toSlot, String pattern, int[] laterWrites, int fieldCount) {
            this.fromSlot = fromSlot;
            this.toSlot = toSlot;
            this.tokenizer = new Tokenizer(pattern);
            this.laterWrites = laterWrites.clone();
            this.saved = new Fields(fieldCount);
        }

        @Override
        void run(Fields fields) throws BadRecordException {
            String text = Values.text(fields, fromSlot);
            if (text == null) {
                return;
            }
            fields.copySlots(laterWrites, saved);
            tokenizer.reset(text);
            boolean first = true;
            while (tokenizer.next()) {
                if (!first) {
                    saved.copySlots(laterWrites, fields);
                }
                first = false;
                fields.set(toSlot, tokenizer.token());
                runNext(fields);
            }
        }
    }

    /** Lower-cases a string field (Locale.ROOT); other values pass unchanged. */
    static final class Lowercase extends Step {
        private final int slot;

        Lowercase(int slot) {
            this.slot = slot;
        }

        @Override
        void run(Fields fields) throws BadRecordException {
            if (fields.kind(slot) == Fields.OBJECT && fields.object(slot) instanceof String) {
                fields.set(slot, ((String) fields.object(slot)).toLowerCase(Locale.ROOT));
            }
            runNext(fields);
        }
    }

    /** Keeps the record when the expression is true; a non-boolean result fails the record. */
    static final class Filter extends Step {
        private final Expression expression;
        private final FieldsContext context;

        Filter(Expression expression, FieldsContext context) {
            this.expression = expression;
            this.context = context;
        }

        @Override
        void run(Fields fields) throws BadRecordException {
            Object result = expression.evaluate(context);
            if (!(result instanceof Boolean)) {
                throw expression.notBoolean(result);
            }
            if ((Boolean) result) {
                runNext(fields);
            }
        }
    }

    /** Sets a field to the value of an expression. */
    static final class Compute extends Step {
        private final int slot;
        private final Expression expression;
        private final FieldsContext context;

        Compute(int slot, Expression expression, FieldsContext context) {
            this.slot = slot;
            this.expression = expression;
            this.context = context;
        }

        @Override
        void run(Fields fields) throws BadRecordException {
            fields.set(slot, expression.evaluate(context));
            runNext(fields);
        }
    }
}
