package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A contender's child process, from its start (the clock starts here) to its stop. */
final class Running implements AutoCloseable {

    private static final long STOP_GRACE_SECONDS = 30;

    private final Process process;
    private final long startNanos;
    private final ProcessTree tree;
    private final Path log;

    private Running(Process process, long startNanos, Path log) {
        this.process = process;
        this.startNanos = startNanos;
        this.tree = new ProcessTree(process.toHandle());
        this.log = log;
    }

    static Running start(Contender.Launch launch, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        var pb = new ProcessBuilder(launch.command()).directory(launch.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(launch.env());
        long t0 = System.nanoTime();
        return new Running(pb.start(), t0, log);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    boolean alive() {
        return process.isAlive();
    }

    ProcessTree tree() {
        return tree;
    }

    /** SIGKILL to the process and its descendants: a crash, no shutdown hook runs. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = process.descendants().toList();
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    String logTail() throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** SIGTERM, so shutdown hooks report the heap; SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = process.descendants().toList();
        process.destroy();
        all.forEach(ProcessHandle::destroy);
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            kill();
        }
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(STOP_GRACE_SECONDS, TimeUnit.SECONDS).exceptionally(e -> h).join();
            h.destroyForcibly();
        }
    }
}
