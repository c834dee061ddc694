package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.config.JobConfig;
import dev.tally.engine.batch.FileRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code tally test --input}: a file of records, one per line, read as the job would read them from Kafka and run. */
final class RecordFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordFile() {
    }

    /** Runs the job over the input; dead-letter line numbers are lines of the file (blank lines are skipped, not counted out). */
    static FileRun.Result run(JobConfig job, Path input, String keyField, String timestampField,
                              Map<String, Path> tables, int batchSize) throws IOException {
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
}
