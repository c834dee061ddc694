package dev.tally.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in scalar values, as a shell does: the default applies
 * when VAR is unset or empty. {@code $${} stays a literal {@code ${}, for expressions that need one.
 */
final class EnvInterpolation {
    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    /**
     * @param vars    every variable referenced, as {@code ${NAME}}
     * @param missing the names of referenced variables that are unset and have no default
     */
    record Result(String text, List<String> vars, List<String> missing) {
    }

    private EnvInterpolation() {
    }

    static Result apply(String text, Map<String, String> env) {
        if (text.indexOf('$') < 0) {
            return new Result(text, List.of(), List.of());
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        List<String> vars = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name == null) {
                replacement = "${";
            } else {
                vars.add("${" + name + "}");
                String value = env.get(name);
                boolean hasDefault = m.group(2) != null;
                if (hasDefault && (value == null || value.isEmpty())) {
                    replacement = m.group(3);
                } else if (value == null) {
                    missing.add(name);
                    replacement = "";
                } else {
                    replacement = value;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return new Result(out.toString(), List.copyOf(vars), List.copyOf(missing));
    }
}
