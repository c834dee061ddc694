package dev.tally.chaos;

import dev.tally.cli.TallyCli;

/**
 * A Tally instance as the harness starts it: {@code InstanceMain PARENT_PID tally-args...}. It
 * halts when the harness JVM is gone, so a crashed test never leaves instances running.
 */
public final class InstanceMain {
    private InstanceMain() {
    }

    public static void main(String[] args) {
        long parent = Long.parseLong(args[0]);
        ProcessHandle.of(parent).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)),
                () -> Runtime.getRuntime().halt(3));
        String[] tally = new String[args.length - 1];
        System.arraycopy(args, 1, tally, 0, tally.length);
        System.exit(TallyCli.execute(tally));
    }
}
