package dev.tally.engine.record;

import dev.tally.engine.record.BadRecordException.Reason;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * Compiles job expressions with Apache Commons JEXL in a sandbox. Two locks: the grammar has no
 * method calls, {@code new}, assignments, loops, lambdas, pragmas or literals of collections (refused
 * when compiling), and the introspection permissions admit only {@link ExpressionFunctions}, so even
 * property access on a value ({@code page.class}) finds nothing. Arithmetic is strict: null in
 * arithmetic or ordering ({@code bytes > 1000} without {@code bytes}) and division by zero fail
 * the record rather than silently reading as 0; {@code x == null} and {@code x != null} are fine.
 */
final class Expressions {
    private static final JexlEngine ENGINE = createEngine();

    private Expressions() {
    }

    /**
     * @param where names the expression in errors, e.g. "transform[2]"
     * @throws IllegalArgumentException if the text does not compile or uses a refused construct
     */
    static Expression compile(String text, String where) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(where + ": the expression is empty");
        }
        try {
            JexlInfo info = new JexlInfo(where, 1, 1);
            JexlExpression expression = ENGINE.createExpression(info, text);
            Set<String> variables = new LinkedHashSet<>();
            // Dotted paths (user.id) come back as [user, id]; they are field paths for us.
            for (List<String> path : ENGINE.createScript(info, text).getVariables()) {
                variables.add(String.join(".", path));
            }
            return new Expression(expression, SimplePredicate.of(text, ENGINE), text, where, Collections.unmodifiableSet(variables));
        } catch (JexlException e) {
            throw new IllegalArgumentException(where + ": invalid expression '" + text + "': " + e.getMessage(), e);
        }
    }

    /** A compiled expression; thread-safe (JEXL expressions are), evaluated against a record's fields. */
    static final class Expression {
        private final JexlExpression jexl;
        private final SimplePredicate fast;
        private final String text;
        private final String where;
        private final Set<String> variables;

        private Expression(JexlExpression jexl, SimplePredicate fast, String text, String where, Set<String> variables) {
            this.jexl = jexl;
            this.fast = fast;
            this.text = text;
            this.where = where;
            this.variables = variables;
        }

        /** The field names (dotted paths) the expression reads. */
        Set<String> variables() {
            return variables;
        }

        Object evaluate(JexlContext context) throws BadRecordException {
            try {
                return fast != null ? fast.evaluate(context) : jexl.evaluate(context);
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }

        /** Always through JEXL, bypassing the fast path: for checking that both agree. */
        Object evaluateWithJexl(JexlContext context) throws BadRecordException {
            try {
                return jexl.evaluate(context);
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }

        boolean hasFastPath() {
            return fast != null;
        }

        BadRecordException failed(RuntimeException e) {
            Throwable cause = e.getCause();
            String detail = cause != null && cause.getMessage() != null ? e.getMessage() + " (" + cause.getMessage() + ")" : e.getMessage();
            return new BadRecordException(Reason.EXPRESSION_FAILED, where + ": '" + text + "' failed: " + detail, e);
        }

        BadRecordException notBoolean(Object result) {
            return new BadRecordException(Reason.EXPRESSION_FAILED,
                    where + ": filter '" + text + "' gave " + result + " instead of true or false");
        }
    }

    private static JexlEngine createEngine() {
        JexlFeatures features = new JexlFeatures()
                .script(false).localVar(false).loops(false).lambda(false)
                .sideEffect(false).sideEffectGlobal(false)
                .newInstance(false).methodCall(false).structuredLiteral(false)
                .pragma(false).importPragma(false).namespacePragma(false).annotation(false);
        Map<String, Object> namespaces = new HashMap<>();
        namespaces.put(null, ExpressionFunctions.class);
        return new JexlBuilder()
                .features(features)
                .permissions(new FunctionsOnly())
                .namespaces(namespaces)
                .arithmetic(new JexlArithmetic(true))
                .strict(true).safe(false).silent(false).debug(false)
                .antish(true)
                // Expressions are compiled once per job; the parse cache would only hold them twice.
                .cache(0)
                .create();
    }

    /** Introspection may see {@link ExpressionFunctions} and nothing else: no classes, fields or constructors. */
    private static final class FunctionsOnly implements JexlPermissions {
        @Override
        public boolean allow(Class<?> clazz) {
            return clazz == ExpressionFunctions.class;
        }

        @Override
        public boolean allow(Constructor<?> constructor) {
            return false;
        }

        @Override
        public boolean allow(Field field) {
            return false;
        }

        @Override
        public boolean allow(Method method) {
            return method.getDeclaringClass() == ExpressionFunctions.class;
        }

        @Override
        public boolean allow(Package pack) {
            return pack == ExpressionFunctions.class.getPackage();
        }

        @Override
        public JexlPermissions compose(String... src) {
            throw new UnsupportedOperationException("the expression sandbox cannot be widened");
        }
    }
}
