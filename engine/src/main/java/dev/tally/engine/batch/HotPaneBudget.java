package dev.tally.engine.batch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One byte budget for the hot-pane caches of every task in the process (Kafka Streams' thread
 * cache is the model), sized from the heap: an eighth of it unless {@code -Dtally.hotPaneBytes}
 * says otherwise. A count of entries per task could not hold: with many partitions and sketch
 * aggregates of kilobytes each, a per-task count exhausted the heap. A cache that goes over the
 * budget evicts its own oldest panes; correctness never depends on what stays cached.
 */
public final class HotPaneBudget {
    private static volatile HotPaneBudget process = new HotPaneBudget(
            Long.getLong("tally.hotPaneBytes", Runtime.getRuntime().maxMemory() / 8));

    private final long limitBytes;
    private final AtomicLong used = new AtomicLong();

    HotPaneBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** The budget every task of this process charges. */
    public static HotPaneBudget process() {
        return process;
    }

    /** Tests: every cache created from now on charges {@code budget}. */
    static void useForThisProcess(HotPaneBudget budget) {
        process = budget;
    }

    void charge(long bytes) {
        used.addAndGet(bytes);
    }

    boolean over() {
        return used.get() > limitBytes;
    }

    public long usedBytes() {
        return used.get();
    }

    public long limitBytes() {
        return limitBytes;
    }
}
