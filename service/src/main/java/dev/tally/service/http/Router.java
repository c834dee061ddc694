package dev.tally.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tally.service.TallyService;
import dev.tally.service.job.JobStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every request: refuse what is not a small GET on a known path, then answer. Errors are JSON
 * {@code {"error": ...}} phrased here, never an exception's text, so nothing from the
 * configuration (secrets included) can leak through a message.
 */
final class Router implements HttpHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    static final int MAX_URI_CHARS = 4096;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** route()'s answer when a stream thread took the exchange over and will close it. */
    private static final Response STREAMING = new Response(200, "", new byte[0]);

    private final TallyService service;
    private final PrometheusMeterRegistry registry;
    private final ObjectMapper mapper = JobsView.mapper();
    private final JobsView jobs;
    private final PullQuery pull;
    private final DashboardFeed feed;
    private final DashboardEvents events;
    private final StaticFiles files = new StaticFiles();
    private final TableQuery tables;

    Router(TallyService service, PrometheusMeterRegistry registry) {
        this.service = service;
        this.registry = registry;
        this.jobs = new JobsView(service, mapper);
        this.pull = new PullQuery(service);
        this.feed = new DashboardFeed(service, registry);
        this.events = new DashboardEvents(feed, mapper);
        this.tables = new TableQuery(service);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        boolean handedOver = false;
        try {
            Response r;
            try {
                r = route(ex);
            } catch (HttpError e) {
                r = json(e.status, Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                log.error("HTTP {} failed", ex.getRequestURI().getRawPath(), e);
                r = json(500, Map.of("error", "internal error; see the instance's log"));
            }
            if (r == STREAMING) {
                handedOver = true;
                return;
            }
            send(ex, r);
        } finally {
            if (!handedOver) {
                ex.close();
            }
        }
    }

    private Response route(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().toString().length() > MAX_URI_CHARS) {
            throw new HttpError(414, "request URI longer than " + MAX_URI_CHARS + " characters");
        }
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            throw new HttpError(405, "only GET is served");
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if ((length != null && !"0".equals(length.trim())) || ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
            throw new HttpError(413, "a GET here takes no request body");
        }
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        switch (path) {
            case "/metrics":
                return new Response(200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
            case "/health/live":
                // A job that failed for good does not heal by itself: the orchestrator restarts the process.
                return service.anyFailed() ? json(503, Map.of("status", "DOWN", "reason", "a job failed; see /jobs"))
                        : json(200, Map.of("status", "UP"));
            case "/health/ready":
                return ready();
            case "/jobs":
                return json(200, jobs.all());
            case "/events":
                if (events.open(ex, params(query))) {
                    return STREAMING;
                }
                throw new HttpError(503, "too many dashboard pages open (" + DashboardEvents.MAX_STREAMS + "); close one");
            case "/dashboard/snapshot":
                Map<String, String> p = params(query);
                return json(200, feed.snapshot(p.get("job"), p.get("by")));
            default:
                break;
        }
        Optional<StaticFiles.File> file = files.find(path);
        if (file.isPresent()) {
            return new Response(200, file.get().contentType(), file.get().bytes());
        }
        String[] parts = path.split("/", -1);
        if (parts.length == 4 && parts[1].equals("jobs") && parts[3].equals("windows")) {
            if (service.isClosing()) {
                // The stores are about to close under the query: a clean 503, never a read of closed native state.
                throw new HttpError(503, "shutting down");
            }
            PullQuery.Answer a = pull.answer(parts[2], query);
            return json(a.status(), a.body());
        }
        if (parts.length == 4 && parts[1].equals("jobs") && parts[3].equals("plan")) {
            String plan = feed.plan(parts[2]);
            if (plan == null) {
                throw new HttpError(404, "no job named " + PullQuery.printable(parts[2]));
            }
            return new Response(200, "text/plain; charset=utf-8", plan.getBytes(StandardCharsets.UTF_8));
        }
        if (parts.length == 5 && parts[1].equals("jobs") && parts[3].equals("tables")) {
            return json(200, tables.answer(parts[2], parts[4], query));
        }
        if (parts.length == 3 && parts[1].equals("jobs") && !parts[2].isEmpty()) {
            return json(200, jobs.one(parts[2]));
        }
        throw new HttpError(404, "no such endpoint; try / (the dashboard), /metrics, /health/live, /health/ready, /jobs, /jobs/{job}/windows?key=, /jobs/{job}/plan, /jobs/{job}/tables/{table}?key=");
    }

    private Response ready() {
        Map<String, Object> jobsReady = new LinkedHashMap<>();
        for (JobStatus s : service.statuses()) {
            jobsReady.put(s.job(), Map.of("state", s.state().name(), "ready", s.isReady()));
        }
        boolean ready = service.isReady();
        return json(ready ? 200 : 503, Map.of("ready", ready, "jobs", jobsReady));
    }

    private Response json(int status, Object body) {
        try {
            return new Response(status, JSON, mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * On every answer: no script but the page's own files, no inline script or style, no framing,
     * no MIME sniffing, so data that slipped past escaping still could not run.
     */
    static void securityHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    }

    /** Query parameters, URL-decoded; the last of a repeated name wins. */
    static Map<String, String> params(String rawQuery) {
        Map<String, String> m = new HashMap<>();
        if (rawQuery == null) {
            return m;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new HttpError(400, "malformed query string");
                }
            }
        }
        return m;
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        securityHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", r.contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean noBody = r.body.length == 0 || "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(r.status, noBody ? -1 : r.body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body);
            }
        }
    }

    @Override
    public void close() {
        feed.close();
        pull.close();
    }

    private record Response(int status, String contentType, byte[] body) {
    }

    /** An answer other than 200 whose message is safe to show as it is. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
