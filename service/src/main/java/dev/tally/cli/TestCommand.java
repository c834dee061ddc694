package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.ConfigException;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.engine.batch.FileRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "test", description = "Run a job over a file of records (one per line), no Kafka; print the final windows as JSON lines.")
final class TestCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = {"-c", "--config"}, required = true, description = "a job YAML (or a config file with one job)")
    Path config;

    @Option(names = "--input", required = true, description = "input records, one value per line (JSON lines, text or CSV)")
    Path input;

    @Option(names = "--expected", description = "expected windows as JSON lines; exit 1 on any difference")
    Path expected;

    @Option(names = "--batch-size", defaultValue = "2147483647", description = "records per batch (default: one batch)")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        JobConfig job;
        try {
            job = TallyConfigLoader.loadJob(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        List<byte[]> values = new ArrayList<>();
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                values.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        FileRun.Result result = new FileRun(job).run(values, null, Math.max(1, batchSize));
        result.windows().forEach(System.out::println);
        result.rejected().forEach(r -> System.err.println("dead-letter: line " + r.line() + " " + r.reason() + ": " + r.message()));
        if (expected == null) {
            return 0;
        }
        return diff(result.windows(), Files.readAllLines(expected, StandardCharsets.UTF_8)) ? 0 : 1;
    }

    /** Compares as JSON values, ignoring order and formatting; prints what is missing and what is extra. */
    static boolean diff(List<String> actual, List<String> expectedLines) throws IOException {
        Set<JsonNode> got = new HashSet<>();
        for (String a : actual) {
            got.add(MAPPER.readTree(a));
        }
        Set<JsonNode> want = new HashSet<>();
        for (String e : expectedLines) {
            if (!e.isBlank()) {
                want.add(MAPPER.readTree(e));
            }
        }
        boolean same = true;
        for (JsonNode w : want) {
            if (!got.contains(w)) {
                System.err.println("missing: " + w);
                same = false;
            }
        }
        for (JsonNode g : got) {
            if (!want.contains(g)) {
                System.err.println("unexpected: " + g);
                same = false;
            }
        }
        System.err.println(same ? "tally test: output equals " + "expected" : "tally test: output differs from expected");
        return same;
    }
}
