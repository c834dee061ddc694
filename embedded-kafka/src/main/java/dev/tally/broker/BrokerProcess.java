package dev.tally.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded broker in a child JVM ({@link BrokerMain} on this JVM's classpath), so that a
 * chaos test can SIGTERM or SIGKILL it. The child's stderr (Kafka's logs) goes to
 * {@code <dataDir>/broker-process.log}.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_S = 90;
    private static final long STOP_GRACE_S = 30;

    private final Path dataDir;
    private final int port;
    private Process process;

    private BrokerProcess(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts the child broker and returns once it prints READY; {@code port} 0 picks a free port. */
    public static BrokerProcess start(Path dataDir, int port) {
        // Resolve the port here so that every restart reuses it; this also persists the controller port.
        int resolved = BrokerSettings.forDir(dataDir, port, Map.of()).port;
        BrokerProcess broker = new BrokerProcess(dataDir, resolved);
        broker.launch();
        return broker;
    }

    public String bootstrapServers() {
        return BrokerSettings.HOST + ":" + port;
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("broker process is not running");
        }
        return process.pid();
    }

    /** SIGTERM, then SIGKILL if the broker has not exited within the grace period. Data is kept. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_S, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the broker again on the same port and data dir. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** SIGKILL: no clean shutdown, so the next start recovers the logs. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BrokerMain.class.getName(), "--dir", dataDir.toString(), "--port", Integer.toString(port),
                "--parent-pid", Long.toString(ProcessHandle.current().pid()));
        Path log = dataDir.resolve("broker-process.log");
        Process child;
        try {
            Files.createDirectories(dataDir);
            child = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch broker process", e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(child, ready), "tally-broker-stdout-" + child.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            child.destroyForcibly();
            throw new IllegalStateException("broker process did not become ready; see " + log, e);
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting broker process", e);
        }
        process = child;
    }

    /** Waits for READY, then keeps draining stdout so the child never blocks on a full pipe. */
    private static void readStdout(Process child, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    ready.complete(line.substring(6));
                }
            }
            ready.completeExceptionally(new IllegalStateException("broker process exited before READY"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }
}
