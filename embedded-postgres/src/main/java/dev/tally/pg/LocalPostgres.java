package dev.tally.pg;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own in a temporary directory, on a free port of 127.0.0.1, for tests
 * and benchmarks: the real server from Debian's {@code postgresql} package, never a mock.
 * PostgreSQL refuses to run as root, so when this JVM is root the cluster runs as the
 * {@code postgres} system user (the package creates it) through {@code runuser}.
 * Authentication is {@code trust}: only this machine can reach it, and only while a test runs.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Path LIB = Path.of("/usr/lib/postgresql");
    private final Path bin;
    private final Path dir;
    private final Path socketDir;
    private final int port;
    private final boolean asPostgres;
    private boolean running;

    private LocalPostgres(Path bin, Path dir, int port) throws IOException {
        this.bin = bin;
        this.dir = dir;
        this.socketDir = Files.createTempDirectory("tally-pg-sock");
        this.port = port;
        this.asPostgres = "root".equals(System.getProperty("user.name"));
    }

    /** initdb in a new temporary directory, then start; fails with what to install when PostgreSQL is absent. */
    public static LocalPostgres start() throws IOException, InterruptedException {
        LocalPostgres pg = new LocalPostgres(binaries(), Files.createTempDirectory("tally-pg"), freePort());
        pg.init();
        pg.startServer();
        return pg;
    }

    /** The newest installed major version's bin directory. */
    static Path binaries() {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(LIB)) {
            try (Stream<Path> versions = Files.list(LIB)) {
                versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).forEach(found::add);
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + LIB + ": " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("PostgreSQL server binaries not found under " + LIB
                    + "/*/bin: install postgresql (apt-get install postgresql)");
        }
        found.sort(Comparator.comparing((Path p) -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        return found.get(found.size() - 1);
    }

    private void init() throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        if (asPostgres) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString(), socketDir.toString()));
        }
        run(asUser(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")));
    }

    private void startServer() throws IOException, InterruptedException {
        // fsync stays on: the tests kill the server and must find every committed transaction again.
        String options = "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c max_connections=50";
        run(asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-o", options,
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start")));
        running = true;
    }

    /** Stops the server (fast: open transactions roll back, as when a database host goes away). */
    public void stopServer() throws IOException, InterruptedException {
        if (running) {
            run(asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast",
                    "-w", "-t", "60", "stop")));
            running = false;
        }
    }

    /** Starts the server again on the same port and data directory. */
    public void restartServer() throws IOException, InterruptedException {
        if (!running) {
            startServer();
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DB}; the database {@code postgres} always exists. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The superuser: {@code postgres}, no password (trust). */
    public String user() {
        return "postgres";
    }

    public Path logFile() {
        return dir.resolve("server.log");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stopServer();
        } finally {
            deleteTree(dir);
            deleteTree(socketDir);
        }
    }

    private List<String> asUser(List<String> command) {
        if (!asPostgres) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(command);
        return c;
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tally-pg-cmd", ".log");
        try {
            // A directory postgres can enter: runuser keeps the caller's working directory.
            Process p = new ProcessBuilder(command).directory(Path.of("/tmp").toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                String server = Files.exists(logFile()) ? "\nserver log:\n" + Files.readString(logFile()) : "";
                throw new IllegalStateException(String.join(" ", command) + " failed with exit " + p.exitValue() + ":\n"
                        + Files.readString(out) + server);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
