package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A plain HTTP client, a Prometheus text parser and polling, for the tests of the HTTP surface. */
final class HttpTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private HttpTestSupport() {
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        return json(r.body());
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /** One scraped sample: its name and labels. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    static java.util.List<Sample> scrape(String baseUrl) {
        HttpResponse<String> r = get(baseUrl + "/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode());
        }
        return r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> {
            Matcher m = SAMPLE.matcher(l);
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + l);
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher lm = LABEL.matcher(m.group(3));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
            }
            return new Sample(m.group(1), labels, Double.parseDouble(m.group(4)));
        }).toList();
    }

    /** The sum of every sample with that name whose labels include {@code job}. */
    static double value(java.util.List<Sample> samples, String name, String job) {
        return samples.stream().filter(s -> s.name().equals(name) && job.equals(s.labels().get("job")))
                .mapToDouble(Sample::value).sum();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The checkout's root: tests run in the service module's directory. */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("docker-compose.yml")) ? here : here.getParent();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
