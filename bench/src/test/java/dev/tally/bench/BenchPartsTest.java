package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BenchPartsTest {

    @ParameterizedTest
    @CsvSource({"'marker-17@1700000000000', 17", "'{\"key\":\"marker-3\",\"count\":1}', 3", "'u17@1', -1",
        "'marker-@1', -1"})
    void shouldFindMarkerIdWhenKeyOrValueCarriesOne(String text, int expected) {
        assertEquals(expected, LatencyBench.markerId(text.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({"0.5, 3", "0.99, 5", "0.0, 1", "1.0, 5"})
    void shouldPickNearestRankWhenPercentileAsked(double q, long expected) {
        assertEquals(expected, LatencyBench.percentile(new long[] {1, 2, 3, 4, 5}, q));
    }

    @Test
    void shouldTakeMedianOfSuccessfulRunsWhenOneFailed() {
        var a = new RunResult("x", 100, 1, 0.5, 10, 10, 10, 1, 1, 4, 1.0, null);
        var b = new RunResult("x", 300, 3, 1.5, 30, 30, 30, 3, 3, 8, 2.0, null);
        var median = RunResult.median(List.of(a, RunResult.failed("x", "boom"), b));
        assertEquals(200, median.recordsPerSec());
        assertEquals(20, median.peakRssBytes());
        assertEquals(6, median.deadLetters());
        assertEquals(1.5, median.outputPerInput());
    }

    @Test
    void shouldExpandW2WhenWorkloadsParsed() {
        assertEquals(List.of(Workload.W1, Workload.W2A, Workload.W2B), Workload.parse("W1,w2"));
    }

    @Test
    void shouldSplitLinesLikeTheWordCountJobWhenStreamsTopologyTokenises() {
        assertEquals(List.of("kala", "mine", "ru"), StreamsMain.words("Kala, mine  ru."));
    }

    @Test
    void shouldGenerateTallyYamlWithRepartitionKeyWhenWordCount() {
        var job = new Job(JobShape.WORD_COUNT, "w3-tally-r1", "127.0.0.1:9092", "lines", "w3-out",
                java.nio.file.Path.of("/tmp/x"));
        String yaml = TallyContender.yaml(job);
        assertTrue(yaml.contains("format: text"), yaml);
        assertTrue(yaml.contains("split: { field: line, pattern: '\\W+', as: word }"), yaml);
        assertTrue(yaml.contains("key: word\n"), yaml);
        assertTrue(yaml.contains("dir: /tmp/x/state"), yaml);
    }

    @Test
    void shouldGenerateTallyYamlWithTheUsersTableWhenViewsPerCountry() {
        var job = new Job(JobShape.VIEWS_PER_COUNTRY, "w7-tally-r1", "127.0.0.1:9092", "views", "w7-out",
                java.nio.file.Path.of("/tmp/x"));
        String yaml = TallyContender.yaml(job);
        assertTrue(yaml.contains("users: { topic: views-users, format: json }"), yaml);
        assertTrue(yaml.contains("lookup: { table: users, key: user, fields: { country: country } }"), yaml);
        assertTrue(yaml.contains("key: country\n"), yaml);
        assertEquals(List.of(Workload.W7), Workload.parse("w7"));
    }

    @Test
    void shouldReadTheCountryWhenStreamsJoinsAProfile() {
        assertEquals("FR", StreamsMain.jsonString("{\"plan\":\"pro\",\"country\":\"FR\"}", "country"));
    }
}
