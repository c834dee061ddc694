package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static dev.tally.service.http.HttpTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against the real broker and a
 * running job: what the page shows of a closed window is what a read_committed reader of the
 * sink topic reads, and both match counts computed here from the input the test wrote.
 */
class DashboardBrowserTest {
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final String[] USERS = {"alice", "bob", HOSTILE, "carol", "dave"};
    private static final long BASE_TS = 1_700_000_000_000L;
    private static final long STEP_MS = 10;
    private static final long SIZE_MS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One input event, as the test wrote it. */
    record Click(String user, long bytes, String page, long ts) {
        String json() {
            try {
                return JSON.writeValueAsString(Map.of("user", user, "bytes", bytes, "page", page, "ts", ts));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void shouldShowTheJobItsRatesAndTheSinkTopicsWindowsEscapedWhenInputFlows() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String job = "clicks-" + id;
        String input = "dash-in-" + id;
        String output = "dash-out-" + id;
        kafka.createTopic(input, 3, Map.of());
        TallyConfig config = TallyConfigLoader.parse("""
                kafka:
                  bootstrap.servers: %s
                state: { dir: '%s', memory: 32MB }
                http: { port: 0 }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: user
                    time: { type: event, field: ts, grace: 2s }
                    window: { type: tumbling, size: 10s }
                    aggregates:
                      clicks: count
                      bytes: { sum: bytes }
                      pages: { top_k: page, k: 3 }
                    emit: final
                    batch: { interval: 200ms }
                    sink: { topic: %s }
                """.formatted(kafka.bootstrapServers(), dir.resolve("state"), job, input, output), "test.yaml", Map.of());

        List<Click> sent = new ArrayList<>();
        Thread writer = null;
        ChromeDriver browser = null;
        KafkaProducer<String, String> producer = producer(kafka);
        try (ServiceHttpTest.Running running = ServiceHttpTest.Running.start(config)) {
            // A bad record: the page lists the latest dead letters with their reason.
            producer.send(new ProducerRecord<>(input, 0, null, "{\"user\": \"" + HOSTILE + "\", oops")).get();
            writer = new Thread(() -> write(producer, input, sent), "dashboard-test-writer");
            writer.setDaemon(true);
            writer.start();

            browser = HeadlessChromium.start(dir.resolve("chromium"));
            browser.get(running.url() + "/");
            ChromeDriver b = browser;
            await("the job's row", () -> b.findElements(By.cssSelector("#jobs tbody tr")).stream()
                    .anyMatch(r -> r.findElement(By.cssSelector("td.key")).getText().equals(job)));
            await("input rate above 0", () -> number(b.findElement(By.cssSelector("#jobs tbody td.in-rate")).getText()) > 0);
            await("a closed window", () -> b.findElement(By.id("top")).getDomAttribute("data-start") != null
                    && !b.findElements(By.cssSelector("#top tbody tr")).isEmpty());
            await("the first dead letter", () -> !b.findElements(By.cssSelector("#dead-letters tbody tr")).isEmpty());
            await("the plan", () -> b.findElement(By.id("plan")).getText().startsWith("job " + job));

            // One consistent reading of the table: the page redraws every second.
            Map<String, Map<String, String>> shown = new HashMap<>();
            long start = -1;
            for (int attempt = 0; attempt < 5 && shown.isEmpty(); attempt++) {
                try {
                    WebElement top = b.findElement(By.id("top"));
                    start = Long.parseLong(top.getDomAttribute("data-start"));
                    for (WebElement row : top.findElements(By.cssSelector("tbody tr"))) {
                        Map<String, String> cells = new HashMap<>();
                        for (WebElement td : row.findElements(By.cssSelector("td[data-aggregate]"))) {
                            cells.put(td.getDomAttribute("data-aggregate"), td.getText());
                        }
                        shown.put(row.findElement(By.cssSelector("td.key")).getText(), cells);
                    }
                } catch (org.openqa.selenium.StaleElementReferenceException e) {
                    shown.clear();
                }
            }
            assertTrue(shown.containsKey(HOSTILE), "the hostile key is shown as text: " + shown.keySet());
            assertEquals(USERS.length, shown.size(), "every user of the window is among the top rows: " + shown.keySet());

            Map<String, JsonNode> sink = readWindow(kafka.bootstrapServers(), output, start);
            Map<String, long[]> expected = expected(sent, start);
            assertEquals(expected.keySet(), sink.keySet(), "users of window " + start + " in the sink topic");
            for (Map.Entry<String, Map<String, String>> e : shown.entrySet()) {
                JsonNode v = sink.get(e.getKey());
                assertNotNull(v, "the sink topic has " + e.getKey() + "'s window " + start);
                assertEquals(v.get("clicks").asLong(), number(e.getValue().get("clicks")), e.getKey() + " clicks on the page");
                assertEquals(v.get("bytes").asLong(), number(e.getValue().get("bytes")), e.getKey() + " bytes on the page");
                assertEquals(expected.get(e.getKey())[0], v.get("clicks").asLong(), e.getKey() + " clicks, computed from the input");
                assertEquals(expected.get(e.getKey())[1], v.get("bytes").asLong(), e.getKey() + " bytes, computed from the input");
                for (JsonNode item : v.get("pages")) {
                    String cell = e.getValue().get("pages");
                    assertTrue(cell.contains(item.get("item").asText() + " ("), "top_k shown as items: " + cell);
                }
            }

            assertTrue(browser.findElements(By.tagName("img")).isEmpty(), "no element was made from data");
            assertThrows(NoAlertPresentException.class, () -> b.switchTo().alert(), "no script ran from data");
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(l -> l.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertTrue(errors.isEmpty(), "browser console errors: " + errors);
            Path shot = Path.of("target", "dashboard-browser-test.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

            HttpResponse<String> page = get(running.url() + "/");
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "CSP allows no inline script: " + csp);
            assertTrue(!page.body().contains("<script>") && !java.util.regex.Pattern.compile("\\son[a-z]+=").matcher(page.body()).find(),
                    "the page has no inline script or event handler");
            assertEquals(404, get(running.url() + "/webjars/../dashboard/index.html").statusCode());
            assertEquals(405, HttpTestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(running.url() + "/"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())).statusCode());

            // A restart of the HTTP side: the page finds the port again by itself. Last, because the
            // refused reconnections in between are console errors.
            int port = running.http().port();
            running.http().close();
            await("the page noticing the restart", () -> b.findElement(By.id("connection")).getText().equals("reconnecting"));
            try (TallyHttpServer again = TallyHttpServer.start(new dev.tally.config.HttpConfig(true, "127.0.0.1", port),
                    running.service(), new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
                String before = b.findElement(By.id("job-partitions")).getText();
                b.executeScript("document.getElementById('job-partitions').textContent = 'stale';");
                await("the page live again after the restart", () -> b.findElement(By.id("connection")).getText().equals("live")
                        && b.findElement(By.id("job-partitions")).getText().equals(before));
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (writer != null) {
                writer.interrupt();
                writer.join(10_000);
            }
            producer.close();
        }
    }

    /** 200 clicks a second, event time rising 10 ms per click, round-robin over the 3 partitions, until interrupted. */
    private static void write(KafkaProducer<String, String> producer, String topic, List<Click> sent) {
        Random random = new Random(42);
        try {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                Click c = new Click(USERS[random.nextInt(USERS.length)], 1 + random.nextInt(1000),
                        "/page/" + random.nextInt(6), BASE_TS + i * STEP_MS);
                producer.send(new ProducerRecord<>(topic, i % 3, null, c.json())).get();
                synchronized (sent) {
                    sent.add(c);
                }
                if (i % 4 == 3) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("writing input", e);
        }
    }

    /** Clicks and bytes per user in the window starting at {@code start}, from what was written. */
    private static Map<String, long[]> expected(List<Click> sent, long start) {
        Map<String, long[]> m = new HashMap<>();
        synchronized (sent) {
            for (Click c : sent) {
                if (c.ts() >= start && c.ts() < start + SIZE_MS) {
                    long[] v = m.computeIfAbsent(c.user(), u -> new long[2]);
                    v[0]++;
                    v[1] += c.bytes();
                }
            }
        }
        return m;
    }

    /** The sink topic's values of one window, as a read_committed reader sees them, by key. */
    private static Map<String, JsonNode> readWindow(String bootstrap, String topic, long start) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> tps = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode v = JSON.readTree(r.value());
                    if (v.get("start").asLong() == start) {
                        out.put(v.get("key").asText(), v);
                    }
                }
            }
        }
        return out;
    }

    private static double number(String shown) {
        String digits = shown.replace(",", "").trim();
        return digits.isEmpty() || digits.equals("–") ? 0 : Double.parseDouble(digits);
    }

    private static void await(String what, BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (check.getAsBoolean()) {
                    return;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                last = e; // the page redrew between finding and reading: look again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what, last);
            }
            Thread.sleep(250);
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }
}
