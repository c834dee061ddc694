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
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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

    private final TallyService service;
    private final PrometheusMeterRegistry registry;
    private final ObjectMapper mapper = JobsView.mapper();
    private final JobsView jobs;
    private final PullQuery pull;

    Router(TallyService service, PrometheusMeterRegistry registry) {
        this.service = service;
        this.registry = registry;
        this.jobs = new JobsView(service, mapper);
        this.pull = new PullQuery(service);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Response r;
            try {
                r = route(ex);
            } catch (HttpError e) {
                r = json(e.status, Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                log.error("HTTP {} failed", ex.getRequestURI().getRawPath(), e);
                r = json(500, Map.of("error", "internal error; see the instance's log"));
            }
            send(ex, r);
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
                return json(200, Map.of("status", "UP"));
            case "/health/ready":
                return ready();
            case "/jobs":
                return json(200, jobs.all());
            default:
                break;
        }
        String[] parts = path.split("/", -1);
        if (parts.length == 4 && parts[1].equals("jobs") && parts[3].equals("windows")) {
            PullQuery.Answer a = pull.answer(parts[2], query);
            return json(a.status(), a.body());
        }
        if (parts.length == 3 && parts[1].equals("jobs") && !parts[2].isEmpty()) {
            return json(200, jobs.one(parts[2]));
        }
        throw new HttpError(404, "no such endpoint; try /metrics, /health/live, /health/ready, /jobs, /jobs/{job}/windows?key=");
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

    private static void send(HttpExchange ex, Response r) throws IOException {
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
