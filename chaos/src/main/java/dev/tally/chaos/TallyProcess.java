package dev.tally.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One instance slot: a stable identity and state dir, and the child JVM currently running
 * {@code tally run} for it. Signals go through {@code kill}, only to the pid this slot started.
 * The child's output goes to {@code <slot>/instance.log}; an ERROR line there means a job of the
 * instance failed while the process lives on.
 */
final class TallyProcess {
    private final String id;
    private final Path dir;
    private final String yaml;
    private final List<String> jvmOptions;
    private Process process;
    private String crashPoint;
    private volatile String errorLine;

    TallyProcess(String id, Path dir, String yaml, List<String> jvmOptions) {
        this.id = id;
        this.dir = dir;
        this.yaml = yaml;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    String id() {
        return id;
    }

    Path stateDir() {
        return dir.resolve("state");
    }

    /** Starts the child; with a crash point it halts itself at that point of its {@code crashAfter}-th batch. */
    synchronized void start(String point, long crashAfter) {
        if (alive()) {
            throw new IllegalStateException(id + " is already running");
        }
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("tally.yaml");
            Files.writeString(config, yaml, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            if (point != null) {
                cmd.add("-Dtally.crash.point=" + point);
                cmd.add("-Dtally.crash.after=" + crashAfter);
            }
            cmd.addAll(List.of("-cp", Classpath.stable(), InstanceMain.class.getName(),
                    Long.toString(ProcessHandle.current().pid()), "run", "-c", config.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            crashPoint = point;
            errorLine = null;
            process = p;
            Thread reader = new Thread(() -> copyLog(p), "chaos-log-" + id + "-" + p.pid());
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start instance " + id, e);
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The crash point the running (or last) child was started with, or null. */
    synchronized String crashPoint() {
        return crashPoint;
    }

    /** Exit code of the last child, or null while it runs or before the first start. */
    synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** The first ERROR line the current child logged, or null. */
    String errorLine() {
        return errorLine;
    }

    synchronized void kill() {
        signal("-KILL");
        awaitExit(30);
    }

    synchronized void pause() {
        signal("-STOP");
    }

    synchronized void resume() {
        signal("-CONT");
    }

    /** SIGTERM: the instance finishes its batch and leaves the group; SIGKILL if it takes too long. */
    synchronized void terminate() {
        if (!alive()) {
            return;
        }
        signal("-TERM");
        if (!awaitExit(30)) {
            kill();
        }
    }

    /** Deletes the local store (not the identity, which the config names): the next start restores everything. */
    synchronized void wipeState() {
        if (alive()) {
            throw new IllegalStateException("wiping the state of running instance " + id);
        }
        Path state = stateDir();
        if (!Files.exists(state)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(state)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + state, e);
        }
    }

    /** Appends a thread dump of the running child to its log, to see where a stuck instance waits. */
    synchronized void dumpThreads(String why) {
        if (!alive()) {
            return;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("threads.log").toFile()))
                    .start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
            System.out.println("chaos: thread dump of " + id + " (" + why + ") in " + dir.resolve("threads.log"));
        } catch (IOException e) {
            System.err.println("chaos: cannot dump threads of " + id + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitExit(int seconds) {
        if (process == null) {
            return true;
        }
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + id, e);
        }
    }

    private void signal(String signal) {
        if (!alive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0 && process.isAlive()) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal + " to " + id, e);
        }
    }

    private synchronized void noteError(Process p, String line) {
        if (p == process && errorLine == null) {
            errorLine = line;
        }
    }

    private void copyLog(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(dir.resolve("instance.log"), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            log.write("==== pid " + p.pid() + " started" + (crashPoint == null ? "" : " with crash point " + crashPoint) + "\n");
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                if (line.contains(" ERROR ")) {
                    noteError(p, line);
                }
                log.flush();
            }
        } catch (IOException e) {
            // The child died mid-line or the log disk is gone: the exit code tells the supervisor what happened.
            System.err.println("chaos: log of " + id + " stopped: " + e);
        }
    }
}
