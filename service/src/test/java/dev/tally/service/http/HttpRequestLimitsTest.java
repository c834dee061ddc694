package dev.tally.service.http;

import dev.tally.config.HttpConfig;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import dev.tally.service.TallyService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static dev.tally.service.http.HttpTestSupport.get;
import static dev.tally.service.http.HttpTestSupport.json;
import static dev.tally.service.http.HttpTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the port refuses, answered before any job or Kafka is involved: the service here never starts. */
class HttpRequestLimitsTest {
    private static TallyHttpServer http;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        TallyConfig config = TallyConfigLoader.parse("""
                kafka: { bootstrap.servers: 127.0.0.1:1 }
                state: { dir: '%s' }
                jobs:
                  - name: counts
                    source: { topic: in, format: json }
                    key: user
                    window: { type: hopping, size: 1m, slide: 10s }
                    aggregates: { n: count }
                    sink: { topic: out }
                """.formatted(Path.of("target", "unused-state").toAbsolutePath()), "limits.yaml", Map.of());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        http = TallyHttpServer.start(new HttpConfig(true, "127.0.0.1", 0), new TallyService(config, registry), registry);
        url = http.url();
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @Test
    void shouldAnswerLiveButNotReadyWhenNoJobRuns() {
        assertEquals(200, get(url + "/health/live").statusCode());
        HttpResponse<String> ready = get(url + "/health/ready");
        assertEquals(503, ready.statusCode());
        assertEquals(false, json(ready).get("ready").asBoolean());
    }

    @ParameterizedTest
    @CsvSource({"POST", "PUT", "DELETE", "HEAD"})
    void shouldRefuseWhenMethodIsNotGet(String method) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/jobs"))
                .method(method, HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void shouldRefuseWhenGetCarriesABody() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/jobs"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(10_000))));
        assertEquals(413, r.statusCode());
    }

    @Test
    void shouldRefuseWhenUriIsTooLong() {
        assertEquals(414, get(url + "/jobs/counts/windows?key=" + "k".repeat(Router.MAX_URI_CHARS)).statusCode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/nothing-here                                        | 404",
            "/jobs/nope/windows?key=a                             | 404",
            "/jobs/nope                                           | 404",
            "/jobs/counts/windows                                 | 400",
            "/jobs/counts/windows?key=                            | 400",
            "/jobs/counts/windows?key=a&key=b                     | 400",
            "/jobs/counts/windows?key=a&limit=3                   | 400",
            "/jobs/counts/windows?key=a&from=1000                 | 400",
            "/jobs/counts/windows?key=a&from=2000&to=1000         | 400",
            "/jobs/counts/windows?key=a&from=yesterday&to=1000    | 400",
            "/jobs/counts/windows?key=a&from=99999999999999999999&to=1 | 400",
            "/jobs/counts/windows?key=a&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z | 503",
    })
    void shouldAnswerWithStatusWhenRequestIsInvalid(String path, int status) {
        HttpResponse<String> r = get(url + path);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(json(r).get("error").asText().length() > 0);
    }

    @Test
    void shouldRefuseWhenKeyIsLongerThanTheLimit() {
        HttpResponse<String> r = get(url + "/jobs/counts/windows?key=" + "k".repeat(PullQuery.MAX_KEY_BYTES + 1));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("longer than"), r.body());
    }
}
