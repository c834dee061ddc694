package dev.tally.bench;

import java.time.Duration;

/** How big each workload's input is. Tiny keeps a whole run under two minutes so CI can run it. */
enum Size {
    // tiny keeps the full size's density of records per second of event time, so the stores see
    // the same pattern (a sparse tiny input would have Kafka Streams open a RocksDB segment every few records)
    TINY(5_000, 100, 1_000, 5_000, 5_000, 500, Duration.ofSeconds(10), 1, Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofSeconds(10), 1_000),
    // a fifth of FULL's clicks at FULL's density (users, records per second of event time): long
    // enough that JVM start-up is not the whole run, short enough to compare two contenders in minutes
    SMALL(1_000_000, 10_000, 200_000, 2_000_000, 200_000, 55_000, Duration.ofSeconds(20), 1,
            Duration.ofMinutes(24), Duration.ofMinutes(6), Duration.ofSeconds(20), 20_000),
    FULL(5_000_000, 10_000, 1_000_000, 10_000_000, 1_000_000, 55_000, Duration.ofSeconds(60), 2,
            Duration.ofHours(2), Duration.ofMinutes(30), Duration.ofSeconds(100), 100_000);

    final int clicks;
    final int users;
    final int lines;
    final int distinctKeys;
    final int restartKeys;
    final int latencyRatePerSec;
    final Duration latencyDuration;
    final int defaultRuns;
    /** Event time covered by the clicks. */
    final Duration eventSpan;
    /**
     * Event time covered by the lines: 10,000 lines/s, a live text stream. Sparser lines made a
     * backlog's partitions drift apart by minutes of event time within one batch, and the word
     * counts' partials arrived behind the 5 s grace (see the README's note on repartitioned lateness).
     */
    final Duration lineSpan;
    /** Event time covered by the keyed amounts of W4 and W5. */
    final Duration amountSpan;
    /** Users in W7's table (each one record), and the views' users. */
    final int tableUsers;

    Size(int clicks, int users, int lines, int distinctKeys, int restartKeys,
         int latencyRatePerSec, Duration latencyDuration, int defaultRuns, Duration eventSpan, Duration amountSpan,
         Duration lineSpan, int tableUsers) {
        this.clicks = clicks;
        this.users = users;
        this.lines = lines;
        this.distinctKeys = distinctKeys;
        this.restartKeys = restartKeys;
        this.latencyRatePerSec = latencyRatePerSec;
        this.latencyDuration = latencyDuration;
        this.defaultRuns = defaultRuns;
        this.eventSpan = eventSpan;
        this.amountSpan = amountSpan;
        this.lineSpan = lineSpan;
        this.tableUsers = tableUsers;
    }
}
