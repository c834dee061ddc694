package dev.tally.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "test", description = "Run a job over a file of records (one per line), no Kafka; print the final windows as JSON lines.")
final class TestCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "a job YAML (or a config file with one job)")
    Path config;

    @Option(names = "--input", description = "input records, one value per line (JSON lines, text or CSV)")
    Path input;

    @Option(names = "--expected", description = "expected windows as JSON lines; exit 1 on any difference")
    Path expected;

    @Option(names = "--expected-dead-letters", description = "expected dead letters, one 'LINE REASON' per line; exit 1 on any difference")
    Path expectedDeadLetters;

    @Option(names = "--actual", description = "instead of running the job, compare these windows (e.g. read from the sink topic) with --expected")
    Path actual;

    @Option(names = "--batch-size", defaultValue = "2147483647", description = "records per batch (default: one batch)")
    int batchSize;

    @Option(names = "--timestamp-field", description = "JSON input: take each record's Kafka timestamp (log-append time) from this field, epoch millis")
    String timestampField;

    @Option(names = "--table", description = "a table the job looks up, NAME=FILE: lines {\"key\":..,\"ts\":..,\"value\":{..} or null}")
    Map<String, Path> tables = new LinkedHashMap<>();

    @Option(names = "--key-field", description = "JSON input: take each record's Kafka key (key: {record-key: true}) from this field")
    String keyField;

    @Override
    public Integer call() throws IOException {
        JobConfig job;
        try {
            job = TallyConfigLoader.loadJob(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        if ((input == null) == (actual == null) || (actual != null && expected == null)) {
            System.err.println("tally test: give --input (run the job), or --actual with --expected (compare windows)");
            return ConfigFiles.BAD_CONFIG;
        }
        if (actual != null) {
            return WindowDiff.diff(job, WindowDiff.nonBlank(Files.readAllLines(actual, StandardCharsets.UTF_8)),
                    Files.readAllLines(expected, StandardCharsets.UTF_8)) ? 0 : 1;
        }
        FileRun.Result result;
        try {
            result = RecordFile.run(job, input, keyField, timestampField, tables, batchSize);
        } catch (IllegalArgumentException e) {
            System.err.println("tally test: " + e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        result.windows().forEach(System.out::println);
        List<String> rejected = new ArrayList<>();
        for (FileRun.Rejected r : result.rejected()) {
            System.err.println("dead-letter: line " + r.line() + " " + r.reason() + ": " + r.message());
            rejected.add(r.line() + " " + r.reason());
        }
        boolean same = true;
        if (expected != null) {
            same = WindowDiff.diff(job, result.windows(), Files.readAllLines(expected, StandardCharsets.UTF_8));
        }
        if (expectedDeadLetters != null) {
            same &= WindowDiff.diffDeadLetters(rejected, Files.readAllLines(expectedDeadLetters, StandardCharsets.UTF_8));
        }
        return same ? 0 : 1;
    }
}
