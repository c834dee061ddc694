package dev.tally.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A dashboard page open during a run, as a user would have it: Debian's headless Chromium loading
 * Tally's {@code /}, so the page's own script holds its {@code /events} stream and draws every
 * update. Opened as soon as the port answers; its CPU is the browser's, not charged to Tally.
 */
final class DashboardViewer implements AutoCloseable {
    private static final Path CHROMIUM = Path.of(System.getProperty("bench.chromium", "/usr/bin/chromium"));
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String url;
    private final Path dir;
    private final Thread opener;
    private final long startNanos = System.nanoTime();
    private volatile Process browser;
    private volatile long openedNanos;
    private volatile boolean closed;

    private DashboardViewer(String url, Path dir) {
        this.url = url;
        this.dir = dir;
        this.opener = new Thread(this::openWhenUp, "dashboard-viewer");
        opener.setDaemon(true);
    }

    static DashboardViewer open(String url, Path dir) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("the dashboard bench needs " + CHROMIUM
                    + ": apt-get update && apt-get install -y chromium");
        }
        DashboardViewer v = new DashboardViewer(url, dir);
        v.opener.start();
        return v;
    }

    private void openWhenUp() {
        try {
            while (!closed && !answers(url + "/health/live")) {
                Thread.sleep(100);
            }
            if (closed) {
                return;
            }
            Files.createDirectories(dir);
            browser = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-extensions", "--window-size=1400,1500",
                    "--user-data-dir=" + dir.resolve("profile"), url + "/")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
            openedNanos = System.nanoTime();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + CHROMIUM, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean answers(String url) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How long the page was open, and what Tally's dashboard had read of the results by then. */
    String summary() {
        if (openedNanos == 0) {
            return "dashboard page never opened";
        }
        String tap = "?";
        try {
            String s = CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/dashboard/snapshot")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            int i = s.indexOf("\"resultsRead\":");
            tap = i < 0 ? "?" : s.substring(i + 14, s.indexOf(',', i));
        } catch (IOException e) {
            tap = "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return String.format(Locale.ROOT, "dashboard page open %.1f s of the run (opened %.1f s after start), browser %s, "
                        + "output records read by the page's result tap: %s",
                (System.nanoTime() - openedNanos) / 1e9, (openedNanos - startNanos) / 1e9,
                browser != null && browser.isAlive() ? "alive" : "EXITED", tap);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        opener.join(5_000);
        Process p = browser;
        if (p != null) {
            List<ProcessHandle> all = p.descendants().toList();
            p.destroy();
            all.forEach(ProcessHandle::destroy);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                all.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }
}
