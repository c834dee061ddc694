package dev.tally.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads, interpolates and validates Tally configuration files. Every problem of a file is
 * reported at once, each with its YAML path and line; values taken from the environment never
 * appear in a message.
 */
public final class TallyConfigLoader {
    private TallyConfigLoader() {
    }

    /** A whole configuration file, with {@code ${VAR}} taken from this process's environment. */
    public static TallyConfig load(Path file) throws ConfigException {
        return parse(read(file), file.toString(), System.getenv());
    }

    /**
     * A whole configuration given as text.
     *
     * @param sourceName what messages call the text, usually its file name
     * @param env        where {@code ${VAR}} and {@code ${VAR:-default}} take their values
     */
    public static TallyConfig parse(String yaml, String sourceName, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems();
        Node root = YamlTree.read(yaml, env, problems);
        Fields top = root == null ? null : Fields.of(root, problems);
        TallyConfig config = top == null ? null : ConfigBinder.bind(top, true);
        if (problems.count() > 0 || config == null) {
            throw new ConfigException(sourceName, problems.sorted());
        }
        return config;
    }

    /**
     * The one job of a file, for running a job without Kafka ({@code tally test}): either a whole
     * configuration holding exactly one job, or a single job mapping (its top level has
     * {@code name:}). A kafka block is neither needed nor checked.
     */
    public static JobConfig loadJob(Path file) throws ConfigException {
        return parseJob(read(file), file.toString(), System.getenv());
    }

    /** {@link #loadJob(Path)} for text. */
    public static JobConfig parseJob(String yaml, String sourceName, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems();
        Node root = YamlTree.read(yaml, env, problems);
        Fields top = root == null ? null : Fields.of(root, problems);
        JobConfig job = null;
        if (top != null && top.has("name") && !top.has("jobs")) {
            job = JobBinder.bind(root, problems);
        } else if (top != null) {
            // The job runs without Kafka, so an unset ${KAFKA_PASSWORD} must not stop it.
            problems.removeUnder("kafka");
            TallyConfig config = ConfigBinder.bind(top, false);
            Node jobs = top.node("jobs");
            if (config != null && config.jobs().size() != 1) {
                problems.add(jobs, "must hold exactly one job here, found " + config.jobs().size());
            } else if (config != null) {
                job = config.jobs().get(0);
            }
        }
        if (problems.count() > 0 || job == null) {
            throw new ConfigException(sourceName, problems.sorted());
        }
        return job;
    }

    private static String read(Path file) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "no such file", 0)));
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "is not UTF-8 text", 0)));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "cannot be read: " + e.getMessage(), 0)));
        }
    }
}
