package dev.tally.engine.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.MapContext;

/**
 * A fast path for the most common filter shape, {@code field OP literal} joined by only {@code &&}
 * or only {@code ||} (e.g. {@code bytes > 1000 && page != '/health'}, {@code word != ''}). A JEXL
 * evaluation builds an interpreter each time (hundreds of ns), which dominates a per-word filter.
 * Semantics stay JEXL's: literals are parsed by JEXL and each comparison is the engine's own
 * {@link JexlArithmetic} call, with the interpreter's strict rule that null cannot be ordered.
 * Anything else (parentheses, functions, dotted names, arithmetic) is left to JEXL.
 */
final class SimplePredicate {
    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:(&&|\\|\\|)|(==|!=|<=|>=|<|>)|([A-Za-z_][A-Za-z0-9_]*)|('[^'\\\\]*'|\"[^\"\\\\]*\"|-?[0-9]+(?:\\.[0-9]+)?))\\s*");
    // JEXL words that are not variables: operators, literals and statements.
    private static final Set<String> RESERVED = Set.of("and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "div", "mod",
            "empty", "size", "new", "true", "false", "null", "NaN", "var", "let", "const", "function", "if", "else", "while",
            "do", "for", "return", "break", "continue", "try", "catch", "finally", "throw", "switch", "case", "default");

    private enum Op { EQ, NE, LT, LE, GT, GE }

    private final String[] names;
    private final Op[] ops;
    private final Object[] literals;
    private final boolean any;
    private final JexlArithmetic arithmetic;

    private SimplePredicate(List<String> names, List<Op> ops, List<Object> literals, boolean any, JexlArithmetic arithmetic) {
        this.names = names.toArray(String[]::new);
        this.ops = ops.toArray(Op[]::new);
        this.literals = literals.toArray();
        this.any = any;
        this.arithmetic = arithmetic;
    }

    /** The fast form of {@code text}, or null when it is not of the simple shape. */
    static SimplePredicate of(String text, JexlEngine engine) {
        Matcher m = TOKEN.matcher(text);
        List<String> names = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        List<Object> literals = new ArrayList<>();
        String joiner = null;
        int at = 0;
        while (true) {
            // name, operator, literal
            if (!m.find(at) || m.start() != at || m.group(3) == null || RESERVED.contains(m.group(3))) {
                return null;
            }
            names.add(m.group(3));
            at = m.end();
            if (!m.find(at) || m.start() != at || m.group(2) == null) {
                return null;
            }
            ops.add(op(m.group(2)));
            at = m.end();
            String literal = m.find(at) && m.start() == at ? literal(m) : null;
            if (literal == null) {
                return null;
            }
            literals.add(engine.createExpression(literal).evaluate(new MapContext()));
            at = m.end();
            if (at == text.length()) {
                return new SimplePredicate(names, ops, literals, "||".equals(joiner), engine.getArithmetic());
            }
            if (!m.find(at) || m.start() != at || m.group(1) == null || (joiner != null && !joiner.equals(m.group(1)))) {
                return null;
            }
            joiner = m.group(1);
            at = m.end();
        }
    }

    private static String literal(Matcher m) {
        String word = m.group(3);
        if (word != null) {
            return word.equals("true") || word.equals("false") || word.equals("null") ? word : null;
        }
        return m.group(4);
    }

    Boolean evaluate(JexlContext context) {
        for (int i = 0; i < names.length; i++) {
            if (test(i, context.get(names[i])) == any) {
                return any;
            }
        }
        return !any;
    }

    private boolean test(int i, Object value) {
        Object literal = literals[i];
        Op op = ops[i];
        if (op == Op.EQ || op == Op.NE) {
            return arithmetic.equals(value, literal) == (op == Op.EQ);
        }
        if (value == null || literal == null) {
            throw new ArithmeticException("variable '" + names[i] + "' is null");
        }
        switch (op) {
            case LT:
                return arithmetic.lessThan(value, literal);
            case LE:
                return arithmetic.lessThanOrEqual(value, literal);
            case GT:
                return arithmetic.greaterThan(value, literal);
            default:
                return arithmetic.greaterThanOrEqual(value, literal);
        }
    }

    private static Op op(String symbol) {
        switch (symbol) {
            case "==":
                return Op.EQ;
            case "!=":
                return Op.NE;
            case "<":
                return Op.LT;
            case "<=":
                return Op.LE;
            case ">":
                return Op.GT;
            default:
                return Op.GE;
        }
    }
}
