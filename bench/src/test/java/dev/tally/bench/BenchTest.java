package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.broker.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny benchmark, so it never rots. No timing is asserted: only that every contender finished. */
class BenchTest {

    @Test
    void shouldReportNonZeroThroughputForEachContenderWhenTinyW1Runs(@TempDir Path work) throws Exception {
        var env = new Contender.Environment(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), Path.of(".").toAbsolutePath(), null);
        var options = new Bench.Options(Size.TINY, List.of(Workload.W1),
                List.of(new CeilingContender(), W1Baseline.handWritten(), W1Baseline.writeOnly(),
                        new KafkaStreamsContender()), 1, work, env, Duration.ofSeconds(75));
        var console = new ByteArrayOutputStream();
        String report;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            report = new Bench(options, kafka.bootstrapServers(), new PrintStream(console, true, StandardCharsets.UTF_8))
                    .run();
        }
        Map<String, Double> rates = report.lines()
                .filter(l -> l.startsWith("| ceiling ") || l.startsWith("| hand-written ")
                        || l.startsWith("| write-only ") || l.startsWith("| kstreams "))
                .collect(Collectors.toMap(l -> cell(l, 1), l -> rate(cell(l, 2))));
        String context = report + "\n" + console.toString(StandardCharsets.UTF_8);
        assertEquals(4, rates.size(), context);
        rates.forEach((contender, rate) -> assertTrue(rate > 0, contender + " in\n" + context));
        assertTrue(report.contains("### W1"), context);
    }

    private static String cell(String row, int i) {
        return row.split("\\|")[i].trim();
    }

    /** NaN for a "failed: ..." cell, so the assertion names the failure. */
    private static double rate(String cell) {
        return cell.matches("[0-9,]+") ? Double.parseDouble(cell.replace(",", "")) : Double.NaN;
    }
}
