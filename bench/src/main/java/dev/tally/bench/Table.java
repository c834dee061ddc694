package dev.tally.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Markdown tables of results. */
final class Table {

    private Table() {
    }

    static String throughput(Workload w, long records, int runs, List<RunResult> medians) {
        var t = new StringBuilder()
                .append("### ").append(w.label).append(": ").append(w.description).append('\n')
                .append(String.format(Locale.ROOT, "%,d input records, median of %d run%s%n%n", records, runs,
                        runs == 1 ? "" : "s"))
                .append("| contender | records/s | Tally/ceiling | Tally/Kafka Streams | CPU s / M records | broker CPU s / M "
                        + "| peak RSS | peak heap | state on disk | changelog+repartition B/record | output records/input |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<RunResult> ceiling = find(medians, "ceiling");
        Optional<RunResult> streams = find(medians, "kstreams");
        for (RunResult r : medians) {
            if (!r.ok()) {
                t.append("| ").append(r.contender()).append(" | failed: ").append(firstLine(r.error()))
                        .append(" | | | | | | | | | |\n");
                continue;
            }
            boolean tally = r.contender().equals("tally");
            t.append("| ").append(r.contender())
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.recordsPerSec()))
                    .append(" | ").append(tally ? ratio(r, ceiling) : "")
                    .append(" | ").append(tally ? ratio(r, streams) : "")
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.cpuSecondsPerMillion()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.brokerCpuSecondsPerMillion()))
                    .append(" | ").append(bytes(r.peakRssBytes()))
                    .append(" | ").append(bytes(r.heapPeakBytes()))
                    .append(" | ").append(r.stateBytes() > 0 ? bytes(r.stateBytes()) : "-")
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", r.internalBytesPerRecord()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.outputPerInput()))
                    .append(" |\n");
        }
        Optional<RunResult> handWritten = find(medians, "hand-written");
        find(medians, "tally").filter(r -> handWritten.isPresent()).ifPresent(r -> t.append(String.format(Locale.ROOT,
                "%nTally/hand-written: %s (hand-written: a consume-count-produce loop on the Kafka clients writing "
                        + "the same records in 1 s transactions with the offsets; no state store, no changelog).%n", ratio(r, handWritten))));
        find(medians, "write-only").ifPresent(bound -> t.append(String.format(Locale.ROOT,
                "%nwrite-only: this job's output records alone, written exactly-once without reading (a bound on "
                        + "any W1 here: it must also read); Tally/write-only %s.%n", find(medians, "tally")
                        .map(r -> ratio(r, Optional.of(bound))).orElse("-"))));
        find(medians, "tally").filter(r -> r.deadLetters() >= 0).ifPresent(r -> t.append(String.format(Locale.ROOT,
                "%nTally dead-lettered %,d records (late or malformed; Kafka Streams drops late records without a trace).%n",
                r.deadLetters())));
        return t.append('\n').toString();
    }

    private static Optional<RunResult> find(List<RunResult> rs, String name) {
        return rs.stream().filter(r -> r.contender().equals(name) && r.ok()).findFirst();
    }

    private static String ratio(RunResult r, Optional<RunResult> base) {
        return base.map(b -> String.format(Locale.ROOT, "%.2f", r.recordsPerSec() / b.recordsPerSec())).orElse("");
    }

    static String firstLine(String s) {
        String line = s.lines().findFirst().orElse(s);
        return line.replace('|', '/');
    }

    static String bytes(long b) {
        if (b < 0) {
            return "-";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f MiB", b / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
