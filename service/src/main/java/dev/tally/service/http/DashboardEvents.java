package dev.tally.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /events}: the dashboard's Server-Sent Events stream, one snapshot a second. Each stream
 * has its own thread that writes the latest snapshot and then waits for the next tick, so its
 * buffer is one snapshot: a slow browser skips snapshots, never queues them, and never holds up
 * the HTTP pool, another page or a job. At most {@link #MAX_STREAMS} at once.
 */
final class DashboardEvents {
    private static final Logger log = LoggerFactory.getLogger(DashboardEvents.class);
    static final int MAX_STREAMS = 8;
    /** A comment line at least this often, so proxies and the browser see the stream alive. */
    private static final long KEEPALIVE_MS = 15_000;
    private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);

    private final DashboardFeed feed;
    private final ObjectMapper mapper;
    private final Semaphore slots = new Semaphore(MAX_STREAMS);
    private final AtomicInteger n = new AtomicInteger();

    DashboardEvents(DashboardFeed feed, ObjectMapper mapper) {
        this.feed = feed;
        this.mapper = mapper;
    }

    /** Takes the exchange over (true) or refuses it because every slot is taken (false). */
    boolean open(HttpExchange ex, Map<String, String> params) {
        if (!slots.tryAcquire()) {
            return false;
        }
        Thread t = new Thread(() -> {
            try (ex) {
                stream(ex, params.get("job"), params.get("by"));
            } catch (IOException e) {
                log.debug("dashboard stream ended: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slots.release();
            }
        }, "tally-events-" + n.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return true;
    }

    private void stream(HttpExchange ex, String job, String by) throws IOException, InterruptedException {
        Router.securityHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(RETRY);
        long tick = -1;
        long lastWrite = 0;
        while (!feed.isClosed()) {
            long now = feed.awaitTick(tick, KEEPALIVE_MS);
            if (now == tick) {
                out.write(":\n\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                tick = now;
                // At most one update a second, however the ticks fall.
                long wait = lastWrite + DashboardFeed.TICK_MS - 50 - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                byte[] json = mapper.writeValueAsBytes(feed.snapshot(job, by));
                out.write("data: ".getBytes(StandardCharsets.US_ASCII));
                out.write(json); // JSON has no raw newline, so one data line holds it
                out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
                lastWrite = System.currentTimeMillis();
            }
            out.flush();
        }
    }
}
