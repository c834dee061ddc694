package dev.tally.chaos;

import java.util.HashMap;
import java.util.Map;

/**
 * The expected output of one job, computed from the generated events alone, without any Tally
 * code: per (key, window) the number of records and the sum of their sequence numbers, so a lost
 * record or a record counted twice changes the window's value.
 */
final class Oracle {
    private final ChaosSettings.JobSpec job;
    private final Map<WindowKey, long[]> windows = new HashMap<>();

    Oracle(ChaosSettings.JobSpec job) {
        this.job = job;
    }

    record WindowKey(String key, long start) {
    }

    void add(Workload.Event e) {
        if (e.malformed()) {
            return;
        }
        long last = Math.floorDiv(e.time(), job.slideMs()) * job.slideMs();
        for (long start = last; start > e.time() - job.sizeMs(); start -= job.slideMs()) {
            long[] v = windows.computeIfAbsent(new WindowKey(e.user(), start), k -> new long[2]);
            v[0]++;
            v[1] += e.seq();
        }
    }

    /** (key, window start) to {count, sum of sequence numbers}. */
    Map<WindowKey, long[]> expected() {
        return windows;
    }

    ChaosSettings.JobSpec job() {
        return job;
    }
}
