package dev.tally.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The workloads of the benchmark; W1 to W4 measure throughput, W5 restart, W6 latency. */
enum Workload {
    W1("W1", JobShape.HOPPING_COUNT, "clicks by user: count in 30 s windows sliding 10 s, 5 s grace, emit changes"),
    W2A("W2a", JobShape.HOUR_SLIDING_FINAL, "clicks by user: count in 1 h windows sliding 1 min, emit final"),
    W2B("W2b", JobShape.TUMBLING_FINAL, "clicks by user: count in 10 s tumbling windows, emit final"),
    W3("W3", JobShape.WORD_COUNT, "text lines, null keys: word count through a repartition, 30 s windows sliding 10 s"),
    W3E("W3e", JobShape.PAGE_COUNT, "clicks regrouped by page: count in 30 s windows sliding 10 s on event time through a repartition, 5 s grace, emit final"),
    W4("W4", JobShape.KEYED_SUM, "one distinct key per event: sum per key in 1 min tumbling windows"),
    W5("W5", JobShape.KEYED_SUM, "restart: SIGKILL with state built, time until it commits again"),
    W6("W6", JobShape.HOPPING_COUNT, "latency: fixed input rate, produce to read_committed output visibility"),
    W7("W7", JobShape.VIEWS_PER_COUNTRY, "page views joined with a users table (global), count per country, 1 min tumbling, emit final");

    final String label;
    final JobShape shape;
    final String description;

    Workload(String label, JobShape shape, String description) {
        this.label = label;
        this.shape = shape;
        this.description = description;
    }

    boolean throughput() {
        return this != W5 && this != W6;
    }

    /** The input topic shared by all contenders and throughput workloads reading it. */
    String inputTopic() {
        return shape.input().name().toLowerCase(Locale.ROOT);
    }

    int inputRecords(Size size) {
        return switch (shape.input()) {
            case CLICKS -> size.clicks;
            case LINES -> size.lines;
            case AMOUNTS -> this == W5 ? size.restartKeys : size.distinctKeys;
            case VIEWS -> size.clicks;
        };
    }

    /** Parses "W1,W2,W3": W2 means both W2a and W2b; "all" means every workload. */
    static List<Workload> parse(String list) {
        List<Workload> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String w = s.trim().toUpperCase(Locale.ROOT);
            if (w.equals("ALL")) {
                return List.of(values());
            } else if (w.equals("W2")) {
                out.add(W2A);
                out.add(W2B);
            } else if (!w.isEmpty()) {
                out.add(valueOf(w));
            }
        }
        return out;
    }
}
