package dev.tally.service.job;

import org.apache.kafka.clients.producer.Producer;

/**
 * Test-only fault injection: with {@code -Dtally.crash.point=POINT -Dtally.crash.after=N} the
 * process halts (as a SIGKILL would) at that point of the N-th batch; for DURING_RESTORE, after
 * the N-th chunk of changelog records a restore applied. Off unless tally.crash.point is set.
 * With {@code -Dtally.stall.thread=NAME -Dtally.stall.after=N -Dtally.stall.ms=M} the processing
 * thread named NAME stops for M ms at the start of its N-th batch, as a long GC pause or a stuck
 * disk would: long enough, and the group gives its partitions to another member before it notices.
 */
final class CrashHook {
    private final BatchTransaction.CrashPoint point;
    private final long afterBatches;
    private long batches;
    private long restoreChunks;
    private final String stallThread = System.getProperty("tally.stall.thread");
    private final long stallAfter = Long.getLong("tally.stall.after", 3);
    private final long stallMillis = Long.getLong("tally.stall.ms", 0);

    private CrashHook(BatchTransaction.CrashPoint point, long afterBatches) {
        this.point = point;
        this.afterBatches = afterBatches;
    }

    static CrashHook fromSystemProperties() {
        String p = System.getProperty("tally.crash.point");
        if (p == null || p.isBlank()) {
            return new CrashHook(null, Long.MAX_VALUE);
        }
        return new CrashHook(BatchTransaction.CrashPoint.valueOf(p), Long.getLong("tally.crash.after", 3));
    }

    void batchStarted() throws InterruptedException {
        batches++;
        if (batches == stallAfter && Thread.currentThread().getName().equals(stallThread)) {
            Thread.sleep(stallMillis);
        }
    }

    void maybeCrash(BatchTransaction.CrashPoint at) {
        if (at == point && batches >= afterBatches) {
            Runtime.getRuntime().halt(137);
        }
    }

    void restoreChunkApplied() {
        restoreChunks++;
        if (point == BatchTransaction.CrashPoint.DURING_RESTORE && restoreChunks >= afterBatches) {
            Runtime.getRuntime().halt(137);
        }
    }

    /** Halts while the commit request is in flight: the broker may or may not complete it. */
    void maybeCrashDuringCommit(Producer<byte[], byte[]> producer) {
        if (point == BatchTransaction.CrashPoint.DURING_COMMIT && batches >= afterBatches) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(137);
            });
            t.setDaemon(true);
            t.start();
        }
    }
}
