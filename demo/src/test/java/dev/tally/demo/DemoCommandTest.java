package dev.tally.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #13: {@code tally demo} on its own module prints windows, not Tally's INFO lines. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoCommandTest {
    @Test
    void shouldPrintWindowsAndNoInfoLinesWhenTheDemoRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new DemoCommand()).execute("--duration", "30s", "--port", "0");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        oldOut.print(stdout);
        oldErr.print(stderr);

        assertEquals(0, exit, stderr);
        List<String> windows = stdout.lines().filter(l -> l.startsWith("window ")).toList();
        assertFalse(windows.isEmpty(), "no window printed:\n" + stdout);
        // Each window line names its word total, e.g. "window 10:00:10-10:00:40  2547 words, 28 distinct: spark=472, ..."
        assertTrue(windows.stream().allMatch(l -> l.matches("window \\S+\\s+\\d+ words, \\d+ distinct: .*")), windows.toString());
        assertTrue(stdout.contains("demo: dashboard at http://127.0.0.1:"), stdout);
        assertFalse((stdout + stderr).lines().anyMatch(l -> l.contains(" INFO ")), "INFO lines in the demo's output:\n" + stdout + stderr);
    }
}
