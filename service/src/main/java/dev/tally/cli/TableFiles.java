package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.engine.batch.FileRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Table files for {@code tally test --table NAME=FILE}: one table record per line, in topic order,
 * {@code {"key": "u1", "ts": 1700000000000, "value": {"country": "FR"}}}; {@code "value": null}
 * is a tombstone (the key is deleted from {@code ts} on). {@code ts} is the record's timestamp
 * in epoch millis: the time the version is valid from.
 */
public final class TableFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TableFiles() {
    }

    /** Gives the run every table of the options ({@code NAME=FILE}). */
    static void attach(FileRun run, Map<String, Path> tables) throws IOException {
        for (Map.Entry<String, Path> t : tables.entrySet()) {
            run.table(t.getKey(), read(t.getValue()));
        }
    }

    public static List<FileRun.TableRecord> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<FileRun.TableRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonNode n;
            try {
                n = MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": not a JSON object {\"key\":..,\"ts\":..,\"value\":{..}|null}");
            }
            if (n == null || !n.isObject() || !n.path("ts").canConvertToLong() || !n.has("value")) {
                throw new IllegalArgumentException(where + ": needs \"ts\" (epoch millis) and \"value\" (an object, or null to delete)");
            }
            JsonNode key = n.get("key");
            JsonNode value = n.get("value");
            byte[] valueBytes = value.isNull() ? null
                    : (value.isTextual() ? value.asText() : value.toString()).getBytes(StandardCharsets.UTF_8);
            records.add(new FileRun.TableRecord(key == null || key.isNull() ? null : key.asText().getBytes(StandardCharsets.UTF_8),
                    valueBytes, n.get("ts").asLong()));
        }
        return records;
    }
}
