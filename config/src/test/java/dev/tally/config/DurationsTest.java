package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "0, 0s",
        "500, 500ms",
        "1500, 1500ms",
        "30000, 30s",
        "90000, 90s",
        "300000, 5m",
        "3600000, 1h",
        "5400000, 90m",
        "172800000, 2d",
    })
    void shouldFormatInLargestWholeUnitWhenFormatting(long millis, String expected) {
        assertEquals(expected, Durations.format(Duration.ofMillis(millis)));
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({
        "500ms, 500",
        "30s, 30000",
        "5m, 300000",
        "1h, 3600000",
        "2d, 172800000",
        "0s, 0",
    })
    void shouldParseIntegerAndUnitWhenWrittenAsConfigDuration(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
        assertEquals(Duration.ofMillis(millis), Durations.parse(Durations.format(Duration.ofMillis(millis))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30x", "30", "s", "1.5s", "-5s", "5 s", "PT5S", "", "999999999999999999d"})
    void shouldRejectWhenNotIntegerPlusUnit(String text) {
        assertNull(Durations.parse(text));
    }
}
