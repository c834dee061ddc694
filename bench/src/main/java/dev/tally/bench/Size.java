package dev.tally.bench;

import java.time.Duration;

/** How big each workload's input is. Tiny keeps a whole run under two minutes so CI can run it. */
enum Size {
    TINY(5_000, 100, 1_000, 5_000, 5_000, 500, Duration.ofSeconds(10), 1),
    FULL(5_000_000, 10_000, 500_000, 10_000_000, 1_000_000, 5_000, Duration.ofSeconds(60), 2);

    final int clicks;
    final int users;
    final int lines;
    final int distinctKeys;
    final int restartKeys;
    final int latencyRatePerSec;
    final Duration latencyDuration;
    final int defaultRuns;

    Size(int clicks, int users, int lines, int distinctKeys, int restartKeys,
         int latencyRatePerSec, Duration latencyDuration, int defaultRuns) {
        this.clicks = clicks;
        this.users = users;
        this.lines = lines;
        this.distinctKeys = distinctKeys;
        this.restartKeys = restartKeys;
        this.latencyRatePerSec = latencyRatePerSec;
        this.latencyDuration = latencyDuration;
        this.defaultRuns = defaultRuns;
    }
}
