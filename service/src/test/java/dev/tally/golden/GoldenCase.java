package dev.tally.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** One folder of golden/: a job, its input and the hand-worked expected windows and dead letters. */
record GoldenCase(Path dir, Path job, Path input, Path expected, Path deadLettersFile, List<String> args,
                  Map<String, Path> tables) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Every case under the repository's golden/ folder, found from the module's working directory upwards. */
    static Stream<GoldenCase> all() throws IOException {
        Path golden = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && golden == null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("golden"))) {
                golden = p.resolve("golden");
            }
        }
        if (golden == null) {
            throw new IllegalStateException("no golden/ folder above " + Path.of("").toAbsolutePath());
        }
        try (Stream<Path> dirs = Files.list(golden)) {
            return dirs.filter(Files::isDirectory).sorted().map(GoldenCase::of).toList().stream();
        }
    }

    private static GoldenCase of(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Path input = files.filter(f -> f.getFileName().toString().startsWith("input.")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(dir + " has no input.* file"));
            Path argsFile = dir.resolve("test-args");
            List<String> args = Files.exists(argsFile)
                    ? Arrays.stream(Files.readString(argsFile).strip().split("\\s+")).filter(s -> !s.isEmpty()).toList()
                    : List.of();
            return new GoldenCase(dir, dir.resolve("job.yaml"), input, dir.resolve("expected.jsonl"),
                    dir.resolve("expected-dead-letters.txt"), args, tables(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** table-NAME.jsonl files: the records of table NAME, in topic order (tally test --table NAME=FILE). */
    private static Map<String, Path> tables(Path dir) throws IOException {
        Map<String, Path> tables = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().matches("table-.+\\.jsonl")).forEach(f -> {
                String file = f.getFileName().toString();
                tables.put(file.substring("table-".length(), file.length() - ".jsonl".length()), f);
            });
        }
        return tables;
    }

    /** The tally test options that give the case's tables. */
    List<String> tableArgs() {
        List<String> args = new ArrayList<>();
        tables.forEach((name, file) -> {
            args.add("--table");
            args.add(name + "=" + file);
        });
        return args;
    }

    String name() {
        return dir.getFileName().toString();
    }

    @Override
    public String toString() {
        return name();
    }

    /** The value of an option in test-args (e.g. --key-field), or null. */
    String option(String name) {
        int i = args.indexOf(name);
        return i < 0 ? null : args.get(i + 1);
    }

    /** The non-blank input lines with their 1-based line numbers: what is produced, in this order. */
    List<Line> lines() throws IOException {
        List<String> all = Files.readAllLines(input, StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).isEmpty()) {
                lines.add(new Line(i + 1, all.get(i)));
            }
        }
        return lines;
    }

    /** "LINE REASON" entries of expected-dead-letters.txt, sorted. */
    List<String> expectedDeadLetters() throws IOException {
        return Files.readAllLines(deadLettersFile, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.replaceAll("\\s+", " ")).sorted().toList();
    }

    record Line(int number, String text) {
        /** A JSON field of the line as text (a record key or timestamp), or null when absent or not JSON. */
        String field(String name) {
            try {
                JsonNode n = MAPPER.readTree(text);
                JsonNode v = n == null ? null : n.get(name);
                return v == null || v.isNull() ? null : v.asText();
            } catch (IOException notJson) {
                return null;
            }
        }
    }
}
