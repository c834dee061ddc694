package dev.tally.chaos;

/** A fault the harness injects; crash points name the test hook of the commit protocol they trigger. */
enum Fault {
    /** SIGKILL a random running instance, restart it after a short random pause. */
    KILL,
    /** SIGSTOP a random instance past its session, poll and transaction timeouts, then SIGCONT. */
    ZOMBIE,
    /** Stop the broker, keep it down, start it again. */
    BROKER_RESTART,
    /** Start every instance slot that is not running. */
    SCALE_UP,
    /** SIGTERM every instance but the first. */
    SCALE_DOWN,
    CRASH_BEFORE_SEND_OFFSETS("BEFORE_SEND_OFFSETS"),
    CRASH_DURING_COMMIT("DURING_COMMIT"),
    CRASH_AFTER_COMMIT_BEFORE_STORE("AFTER_COMMIT_BEFORE_STORE"),
    /** Wipe an instance's local state while it is down, so it restores everything, and halt it mid-restore. */
    CRASH_DURING_RESTORE("DURING_RESTORE");

    private final String crashPoint;

    Fault() {
        this(null);
    }

    Fault(String crashPoint) {
        this.crashPoint = crashPoint;
    }

    /** The value of -Dtally.crash.point, or null for faults injected from outside. */
    String crashPoint() {
        return crashPoint;
    }
}
