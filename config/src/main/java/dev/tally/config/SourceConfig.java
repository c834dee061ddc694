package dev.tally.config;

import java.util.List;

/**
 * The input topic and how its record values are decoded.
 *
 * @param csvColumns column names for {@code csv}; empty means the values carry no header and columns are named c0, c1, ...
 */
public record SourceConfig(String topic, Format format, List<String> csvColumns, char csvDelimiter) {
    public SourceConfig {
        csvColumns = csvColumns == null ? List.of() : List.copyOf(csvColumns);
    }

    /** text: one field named {@code line}; json: fields by name or dotted path; csv: named columns. */
    public enum Format { TEXT, JSON, CSV }
}
