package dev.tally.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tally run -c CONFIG} as its own process (a child JVM on this test's class path), killed and
 * started again by the crash tests: each life writes its own log file in {@code dir}. Closing it
 * kills a life that is still running, so a failed test leaves no process behind.
 */
final class ChildJob implements AutoCloseable {
    /** JVM options of a life that stops on an internal error a production run would only count (tally.strict). */
    static final List<String> STRICT = List.of("-Dtally.strict=true");
    private final Path dir;
    private final Path config;
    private final Map<String, String> env;
    private final List<Path> logs = new ArrayList<>();
    private Process process;

    /** {@code env}: added to the child's environment (e.g. a password the config interpolates). */
    ChildJob(Path dir, Path config, Map<String, String> env) {
        this.dir = dir;
        this.config = config;
        this.env = env;
    }

    /** A new life, with these JVM options (system properties) after the small-heap defaults. */
    Process start(List<String> jvmOptions) throws IOException {
        Path log = dir.resolve("run-" + logs.size() + ".log");
        logs.add(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tally.cli.TallyCli", "run", "-c", config.toString()));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        process = b.start();
        return process;
    }

    Process process() {
        return process;
    }

    /** Every life's log, oldest first. */
    List<Path> logs() {
        return logs;
    }

    /**
     * Waits until {@code condition} holds, failing at once if the current life died on its own;
     * true when it held in time.
     */
    boolean eventuallyWhileAlive(Duration timeout, WordCountFixture.Check condition) throws Exception {
        Process running = process;
        return WordCountFixture.eventually(timeout, () -> {
            assertTrue(running.isAlive(), () -> "the job died on its own, see " + logs.get(logs.size() - 1));
            return condition.ok();
        });
    }

    /** SIGKILL, as a crash would; waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the killed job exited");
    }

    /** SIGTERM: the job stops cleanly. */
    void stop() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the job");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
