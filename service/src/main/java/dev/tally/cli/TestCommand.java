package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.config.AggregateConfig;
import dev.tally.config.ConfigException;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.config.TimeConfig;
import dev.tally.engine.batch.FileRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "test", description = "Run a job over a file of records (one per line), no Kafka; print the final windows as JSON lines.")
final class TestCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** count_distinct: HyperLogLog lgK 12 has a relative standard error of about 1.63%; allow three of them. */
    private static final double DISTINCT_RELATIVE_ERROR = 3 * 0.0163;
    /** Fractional results (avg, sums of decimals) may differ in the last bits with the order of merging. */
    private static final double FLOAT_RELATIVE_ERROR = 1e-9;

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
            return diff(job, nonBlank(Files.readAllLines(actual, StandardCharsets.UTF_8)),
                    Files.readAllLines(expected, StandardCharsets.UTF_8)) ? 0 : 1;
        }
        FileRun.Result result;
        try {
            result = run(job);
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
            same = diff(job, result.windows(), Files.readAllLines(expected, StandardCharsets.UTF_8));
        }
        if (expectedDeadLetters != null) {
            same &= diffDeadLetters(rejected, Files.readAllLines(expectedDeadLetters, StandardCharsets.UTF_8));
        }
        return same ? 0 : 1;
    }

    /** Runs the job over the input; dead-letter line numbers are lines of the file (blank lines are skipped, not counted out). */
    private FileRun.Result run(JobConfig job) throws IOException {
        List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        List<byte[]> values = new ArrayList<>();
        List<byte[]> keys = keyField == null ? null : new ArrayList<>();
        long[] times = timestampField == null ? null : new long[lines.size()];
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            if (keys != null || times != null) {
                JsonNode record = parseForMetadata(line);
                if (keys != null) {
                    JsonNode k = record == null ? null : record.get(keyField);
                    keys.add(k == null || k.isNull() ? null : k.asText().getBytes(StandardCharsets.UTF_8));
                }
                if (times != null) {
                    JsonNode t = record == null ? null : record.get(timestampField);
                    if (t == null || !t.canConvertToLong()) {
                        throw new IllegalArgumentException("line " + (i + 1) + ": no epoch-millis field '" + timestampField + "'");
                    }
                    times[values.size()] = t.asLong();
                }
            }
            values.add(line.getBytes(StandardCharsets.UTF_8));
            lineNumbers.add(i + 1);
        }
        FileRun fileRun = new FileRun(job);
        TableFiles.attach(fileRun, tables);
        FileRun.Result r = fileRun.run(keys, values, times, Math.max(1, batchSize));
        fileRun.tableProblems().forEach(p -> System.err.println("tally test: " + p));
        List<FileRun.Rejected> rejected = r.rejected().stream()
                .map(x -> new FileRun.Rejected(lineNumbers.get((int) x.line() - 1), x.reason(), x.message())).toList();
        return new FileRun.Result(r.windows(), rejected);
    }

    /** A record whose key or timestamp comes from its own JSON; an undecodable line keeps a null key (the job rejects it). */
    private static JsonNode parseForMetadata(String line) {
        try {
            JsonNode n = MAPPER.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static List<String> nonBlank(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Compares windows as JSON values, matched by key and start (key alone for global windows),
     * printing what is missing, extra or different. Numbers compare by value; fractional ones
     * within 1e-9 relative; count_distinct within three standard errors of its HyperLogLog; an
     * expected {@code [lo, hi]} where a number is found accepts any number in that range (for
     * quantiles and top_k counts). Processing time: window bounds depend on when records were
     * read, so expected lines carry no bounds and windows are compared as per-key totals.
     */
    static boolean diff(JobConfig job, List<String> actualLines, List<String> expectedLines) throws IOException {
        boolean totals = job.time() == null || job.time().type() == TimeConfig.Type.PROCESSING;
        Map<String, AggregateConfig.Type> types = new HashMap<>();
        job.aggregates().forEach(a -> types.put(a.name(), a.type()));
        Map<String, ObjectNode> got = index(actualLines, totals, types);
        Map<String, ObjectNode> want = index(nonBlank(expectedLines), totals, types);
        boolean same = true;
        for (Map.Entry<String, ObjectNode> w : want.entrySet()) {
            ObjectNode g = got.get(w.getKey());
            if (g == null) {
                System.err.println("missing: " + w.getValue());
                same = false;
            } else if (!matches(w.getValue(), g, types)) {
                System.err.println("differs: expected " + w.getValue() + "\n         got      " + g);
                same = false;
            }
        }
        for (Map.Entry<String, ObjectNode> g : got.entrySet()) {
            if (!want.containsKey(g.getKey())) {
                System.err.println("unexpected: " + g.getValue());
                same = false;
            }
        }
        System.err.println(same ? "tally test: output equals expected" : "tally test: output differs from expected");
        return same;
    }

    private static Map<String, ObjectNode> index(List<String> lines, boolean totals, Map<String, AggregateConfig.Type> types)
            throws IOException {
        Map<String, ObjectNode> byWindow = new LinkedHashMap<>();
        for (String line : lines) {
            if (!(MAPPER.readTree(line) instanceof ObjectNode w)) {
                throw new IOException("not a JSON object: " + line);
            }
            String key = w.path("key").asText();
            if (totals) {
                w.remove(List.of("start", "end", "updated"));
                ObjectNode sum = byWindow.get(key);
                if (sum == null) {
                    byWindow.put(key, w);
                } else {
                    addTotals(sum, w, types);
                }
            } else {
                byWindow.put(key + "\u0000" + w.path("start").asText(), w);
            }
        }
        return byWindow;
    }

    /** Processing time: folds one more window of a key into its totals (count and sum add up, min and max combine). */
    private static void addTotals(ObjectNode into, ObjectNode w, Map<String, AggregateConfig.Type> types) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            AggregateConfig.Type type = types.get(f.getKey());
            if (type == null) {
                continue;
            }
            JsonNode a = into.get(f.getKey());
            JsonNode b = f.getValue();
            switch (type) {
                case COUNT, SUM -> into.put(f.getKey(), a.isIntegralNumber() && b.isIntegralNumber()
                        ? a.longValue() + b.longValue() : a.doubleValue() + b.doubleValue());
                case MIN -> into.set(f.getKey(), a.doubleValue() <= b.doubleValue() ? a : b);
                case MAX -> into.set(f.getKey(), a.doubleValue() >= b.doubleValue() ? a : b);
                default -> throw new IOException("processing time: " + type.name().toLowerCase() + " '" + f.getKey()
                        + "' of key " + w.path("key") + " spans several windows and has no per-key total to compare");
            }
        }
    }

    private static boolean matches(ObjectNode want, ObjectNode got, Map<String, AggregateConfig.Type> types) {
        TreeSet<String> names = new TreeSet<>();
        want.fieldNames().forEachRemaining(names::add);
        got.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode w = want.get(name);
            JsonNode g = got.get(name);
            if (w == null || g == null) {
                return false;
            }
            if (types.get(name) == AggregateConfig.Type.COUNT_DISTINCT && w.isNumber() && g.isNumber()) {
                if (Math.abs(g.doubleValue() - w.doubleValue()) > Math.ceil(DISTINCT_RELATIVE_ERROR * w.doubleValue())) {
                    return false;
                }
            } else if (!same(w, g)) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode w, JsonNode g) {
        if (w.isArray() && w.size() == 2 && w.get(0).isNumber() && w.get(1).isNumber() && g.isNumber()) {
            return w.get(0).doubleValue() <= g.doubleValue() && g.doubleValue() <= w.get(1).doubleValue();
        }
        if (w.isNumber() && g.isNumber()) {
            if (w.isIntegralNumber() && g.isIntegralNumber()) {
                return w.longValue() == g.longValue();
            }
            return Math.abs(w.doubleValue() - g.doubleValue()) <= FLOAT_RELATIVE_ERROR * Math.max(1, Math.abs(w.doubleValue()));
        }
        if (w.isArray() && g.isArray() || w.isObject() && g.isObject()) {
            if (w.size() != g.size()) {
                return false;
            }
            if (w.isArray()) {
                for (int i = 0; i < w.size(); i++) {
                    if (!same(w.get(i), g.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            for (Iterator<String> it = w.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!g.has(f) || !same(w.get(f), g.get(f))) {
                    return false;
                }
            }
            return true;
        }
        return w.equals(g);
    }

    /** Expected dead letters: one "LINE REASON" per line; blank lines and {@code #} comments are skipped. */
    static boolean diffDeadLetters(List<String> actualLines, List<String> expectedLines) {
        List<String> want = expectedLines.stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.replaceAll("\\s+", " ")).toList();
        List<String> missing = new ArrayList<>(want);
        actualLines.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actualLines);
        want.forEach(extra::remove);
        missing.forEach(m -> System.err.println("missing dead letter: line " + m));
        extra.forEach(x -> System.err.println("unexpected dead letter: line " + x));
        boolean same = missing.isEmpty() && extra.isEmpty();
        System.err.println(same ? "tally test: dead letters equal expected" : "tally test: dead letters differ from expected");
        return same;
    }
}
