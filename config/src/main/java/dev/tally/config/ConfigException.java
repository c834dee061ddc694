package dev.tally.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every problem found in it (not just the first). */
public final class ConfigException extends Exception {
    private final String source;
    // Exceptions are Serializable and ConfigProblem is not; the message keeps the problems' text anyway.
    private final transient List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(format(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other name) the problems are in. */
    public String source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    // One "file: problem" line each, as compilers do, so each line stands alone in a log or a grep.
    private static String format(String source, List<ConfigProblem> problems) {
        return problems.stream().map(p -> source + ": " + p).collect(Collectors.joining("\n"));
    }
}
