package dev.tally.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param path    where, as a YAML path such as {@code jobs[0].window.slide}; empty for the file as a whole
 * @param message what is wrong; never carries a value that came from the environment
 * @param line    1-based line in the file, or 0 when unknown
 */
public record ConfigProblem(String path, String message, int line) {

    @Override
    public String toString() {
        String where = path.isEmpty() ? "" : path + ": ";
        return line > 0 ? where + message + " (line " + line + ")" : where + message;
    }
}
