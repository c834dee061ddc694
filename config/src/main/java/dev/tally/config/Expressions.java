package dev.tally.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The expression language of filters, computed fields and key expressions: Apache Commons JEXL 3,
 * sandboxed. The engine that evaluates jobs should come from {@link #newEngine()}, so that what
 * the config accepts and what runs are the same language.
 */
public final class Expressions {
    // An expression reads a record and yields a value: no assignments, loops, object creation,
    // lambdas, pragmas or annotations; RESTRICTED permissions keep reflection, class loading,
    // I/O and threads out of reach of method calls.
    private static final JexlFeatures FEATURES = new JexlFeatures()
            .sideEffect(false).sideEffectGlobal(false).loops(false).newInstance(false)
            .lambda(false).pragma(false).annotation(false).script(false);
    private static final JexlEngine CHECKER = newEngine();
    private static final Pattern LOCATION_PREFIX = Pattern.compile("^\\S*@\\d+:\\d+\\s+");

    private Expressions() {
    }

    /** A sandboxed, strict JEXL engine; thread-safe, so one per process is enough. */
    public static JexlEngine newEngine() {
        return new JexlBuilder()
                .permissions(JexlPermissions.RESTRICTED)
                .features(FEATURES)
                .strict(true)
                .silent(false)
                .cache(256)
                .create();
    }

    /**
     * Why {@code expression} does not parse, e.g. "expression error at column 7: parsing error in '+'";
     * null when it parses.
     *
     * @param secretSource where a secret expression came from, e.g. "a value from ${FILTER}"; null when not secret
     */
    static String check(String expression, String secretSource) {
        try {
            CHECKER.createExpression(new JexlInfo("expression", 1, 1), expression);
            return null;
        } catch (JexlException e) {
            JexlInfo info = e.getInfo();
            String where = info == null ? ""
                    : info.getLine() > 1 ? " at line " + info.getLine() + ", column " + info.getColumn() + " of the expression"
                    : " at column " + info.getColumn();
            // JEXL's message quotes the offending token: for a value from the environment, say only where.
            return secretSource != null ? "expression error" + where + " in " + secretSource
                    : "expression error" + where + ": " + shortMessage(e);
        }
    }

    private static String shortMessage(JexlException e) {
        Matcher m = LOCATION_PREFIX.matcher(e.getMessage());
        return m.find() ? e.getMessage().substring(m.end()) : e.getMessage();
    }
}
