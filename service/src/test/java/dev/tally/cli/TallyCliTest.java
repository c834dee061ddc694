package dev.tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #2: the exit codes and messages of {@code tally validate} and {@code tally test}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TallyCliTest {
    /** Hopping 30s/10s word count over three lines; the windows below were worked out by hand. */
    private static final String JOB = """
            name: cli-word-count
            source: { topic: lines, format: json }
            transform:
              - split: { field: line, pattern: '\\W+', as: word }
              - lowercase: word
              - filter: "word != ''"
            key: word
            time: { type: event, field: ts }
            window: { type: hopping, size: 30s, slide: 10s }
            aggregates:
              count: count
            emit: final
            sink: { topic: counts }
            """;
    private static final List<String> INPUT = List.of(
            "{\"line\": \"a b\", \"ts\": 65000}",
            "{\"line\": \"A, c\", \"ts\": 72000}",
            "{\"line\": \"b!\", \"ts\": 91000}");
    /** 65000 is in the windows starting 40, 50, 60 s; 72000 in 50, 60, 70 s; 91000 in 70, 80, 90 s. */
    private static final List<String> EXPECTED = List.of(
            window("a", 40_000, 1), window("a", 50_000, 2), window("a", 60_000, 2), window("a", 70_000, 1),
            window("b", 40_000, 1), window("b", 50_000, 1), window("b", 60_000, 1),
            window("b", 70_000, 1), window("b", 80_000, 1), window("b", 90_000, 1),
            window("c", 50_000, 1), window("c", 60_000, 1), window("c", 70_000, 1));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static String window(String word, long start, long count) {
        return "{\"key\":\"" + word + "\",\"start\":" + start + ",\"end\":" + (start + 30_000) + ",\"count\":" + count + "}";
    }

    /** Runs the CLI in this JVM with stdout and stderr captured. */
    private int tally(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return TallyCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void shouldExitTwoWithPathAndLineAndNoStackTraceWhenValidatingABadFile() throws IOException {
        Path bad = write("bad.yaml", """
                kafka:
                  bootstrap.servers: 127.0.0.1:9092
                jobs:
                  - name: clicks
                    source: { topic: clicks, format: json }
                    key: user
                    window:
                      type: hopping
                      size: 30s
                      slide: 7s
                    aggregates:
                      count: count
                    sink: { topic: clicks-per-user }
                """);

        assertEquals(2, tally("validate", "-c", bad.toString()));

        assertTrue(err().contains(bad + ": jobs[0].window.slide: must divide size (30s), got 7s (line 10)"), err());
        assertFalse(err().contains("Exception") || err().contains("\tat "), () -> "a stack trace: " + err());
    }

    @Test
    void shouldExitZeroWhenValidatingTheExampleJob() {
        Path example = Path.of("..", "examples", "word-count.yaml");

        assertEquals(0, tally("validate", "-c", example.toString()), this::err);

        assertTrue(out.toString(StandardCharsets.UTF_8).contains("ok, 1 job(s): word-count"));
    }

    @Test
    void shouldNameTopicsRepartitionPanesAndRetentionWhenExplainingTheExampleJob() {
        Path example = Path.of("..", "examples", "word-count.yaml");

        assertEquals(0, tally("explain", "-c", example.toString()), this::err);

        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("job word-count\n"), text);
        assertTrue(text.contains("repartitions: the grouping key is computed from the value"), text);
        assertTrue(text.contains("tally-word-count-repartition  cleanup delete"), text);
        assertTrue(text.contains("tally-word-count-changelog  cleanup compact,delete, retention 7d + 30s"), text);
        assertTrue(text.contains("hopping, size 30s, slide 10s: panes of 10s"), text);
        assertTrue(text.contains("to topic word-counts"), text);
        assertTrue(text.contains("emit final"), text);
    }

    @Test
    void shouldDescribeTheMinimumWatermarkAndIdleTimeoutWhenExplainingARepartitionedEventTimeJob() throws IOException {
        Path file = write("clicks.yaml", """
                kafka:
                  bootstrap.servers: 127.0.0.1:9092
                jobs:
                  - name: clicks
                    source: { topic: clicks, format: json }
                    key: user
                    time: { type: event, field: ts, grace: 5s, idle-timeout: 1m }
                    window: { type: tumbling, size: 1m }
                    aggregates:
                      views: count
                      p: { quantiles: latency }
                    sink: { topic: clicks-per-user }
                  - name: by-key
                    source: { topic: clicks, format: json }
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: session, gap: 30s }
                    aggregates: { n: count }
                    sink: { topic: sessions }
                """);

        assertEquals(0, tally("explain", "-c", file.toString(), "--job", "clicks"), this::err);

        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("minimum of the"), text);
        assertTrue(text.contains("idle or empty source partitions leave the minimum"), text);
        assertTrue(text.contains("any partition after time.idle-timeout = 1m without records"), text);
        assertTrue(text.contains("lateness is judged at the source, on the input record"), text);
        assertTrue(text.contains("size + grace = 1m5s"), text);
        assertTrue(text.contains("p = quantiles(latency) at [0.5, 0.95, 0.99], a KLL sketch estimate"), text);
        assertFalse(text.contains("job by-key"), text);
        assertEquals(2, tally("explain", "-c", file.toString(), "--job", "nope"));
    }

    @Test
    void shouldExitZeroWhenTheTestOutputEqualsTheExpectedWindows() throws IOException {
        Path job = write("job.yaml", JOB);
        Path input = write("input.jsonl", String.join("\n", INPUT) + "\n");
        // Order and formatting do not matter, the windows do.
        List<String> shuffled = new java.util.ArrayList<>(EXPECTED);
        java.util.Collections.reverse(shuffled);
        Path expected = write("expected.jsonl", String.join("\n", shuffled) + "\n");

        assertEquals(0, tally("test", "-c", job.toString(), "--input", input.toString(), "--expected", expected.toString()), this::err);

        assertEquals(EXPECTED.size(), out.toString(StandardCharsets.UTF_8).lines().count(), "one line per window");
    }

    @Test
    void shouldExitOneAndNameTheDifferenceWhenTheTestOutputDiffers() throws IOException {
        Path job = write("job.yaml", JOB);
        Path input = write("input.jsonl", String.join("\n", INPUT) + "\n");
        List<String> wrong = new java.util.ArrayList<>(EXPECTED);
        wrong.set(1, window("a", 50_000, 3));
        Path expected = write("expected.jsonl", String.join("\n", wrong) + "\n");

        assertEquals(1, tally("test", "-c", job.toString(), "--input", input.toString(), "--expected", expected.toString()));

        assertTrue(err().contains("expected " + window("a", 50_000, 3)), err());
        assertTrue(err().contains("got      " + window("a", 50_000, 2)), err());
    }

    @Test
    void shouldExitOneWhenAnExpectedWindowIsMissingFromTheTestOutput() throws IOException {
        Path job = write("job.yaml", JOB);
        Path input = write("input.jsonl", String.join("\n", INPUT.subList(0, 2)) + "\n");
        Path expected = write("expected.jsonl", String.join("\n", EXPECTED) + "\n");

        assertEquals(1, tally("test", "-c", job.toString(), "--input", input.toString(), "--expected", expected.toString()));

        assertTrue(err().contains("missing: " + window("b", 90_000, 1)), err());
    }

    @Test
    void shouldSayHowToBuildTheDemoWhenTheDemoModuleIsNotOnTheClasspath() {
        // The service's own classpath (this test's) holds no broker: the demo lives in the demo module.
        assertEquals(1, tally("demo", "--duration", "1s"));

        assertTrue(err().contains("tally demo needs the demo module"), err());
        assertTrue(err().contains("mvn -B -DskipTests install"), err());
    }
}
