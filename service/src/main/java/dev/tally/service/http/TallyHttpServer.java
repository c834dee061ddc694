package dev.tally.service.http;

import com.sun.net.httpserver.HttpServer;
import dev.tally.config.HttpConfig;
import dev.tally.service.TallyService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tally's one HTTP port: {@code /metrics}, {@code /health/live}, {@code /health/ready},
 * {@code /jobs}, {@code /jobs/{job}/windows?key=K[&from=&to=]} and the dashboard ({@code /},
 * {@code /events}, {@code /jobs/{job}/plan}). GET only, bound where the
 * config says (127.0.0.1 unless told otherwise), on the JDK's own server: no framework to patch.
 */
public final class TallyHttpServer implements AutoCloseable {
    /**
     * Few threads: scrapes, probes and pull queries are short, and a flood should queue, not fan
     * out. Dashboard streams are long: each runs on its own thread, never on these.
     */
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Router router;

    private TallyHttpServer(HttpServer server, ExecutorService executor, Router router) {
        this.server = server;
        this.executor = executor;
        this.router = router;
    }

    /** Binds {@code http.bind:http.port} (port 0: any free port) and serves until closed. */
    public static TallyHttpServer start(HttpConfig http, TallyService service, PrometheusMeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(http.bind()), http.port()), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + http.bind() + ":" + http.port() + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "tally-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Router router = new Router(service, registry);
        server.createContext("/", router);
        server.setExecutor(executor);
        server.start();
        return new TallyHttpServer(server, executor, router);
    }

    /** The bound port (the chosen one when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    /** Stops taking requests and lets those in flight finish (a pull query reads the stores, which close after this). */
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        router.close();
    }
}
