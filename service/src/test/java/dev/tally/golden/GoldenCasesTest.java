package dev.tally.golden;

import dev.tally.cli.TallyCli;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every case of golden/ must give its hand-worked expected windows and dead letters both through
 * {@code tally test} (in one batch, and in batches of 1 and 3 records) and through the real service
 * on a real broker.
 */
class GoldenCasesTest {

    static Stream<GoldenCase> cases() throws IOException {
        return GoldenCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldGiveExpectedWindowsWhenRunByTallyTest(GoldenCase golden) {
        for (String batch : List.of("2147483647", "1", "3")) {
            List<String> args = new ArrayList<>(List.of("test", "-c", golden.job().toString(),
                    "--input", golden.input().toString(), "--batch-size", batch,
                    "--expected", golden.expected().toString(),
                    "--expected-dead-letters", golden.deadLettersFile().toString()));
            args.addAll(golden.args());
            args.addAll(golden.tableArgs());
            assertEquals(0, TallyCli.execute(args.toArray(String[]::new)),
                    golden.name() + " in batches of " + batch + ": tally test differs from expected (see stderr)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldGiveExpectedWindowsWhenRunByTheServiceOnKafka(GoldenCase golden, @TempDir Path tmp) throws Exception {
        JobConfig job = TallyConfigLoader.loadJob(golden.job());
        KafkaGoldenRun.Result result = new KafkaGoldenRun(golden, job).run(tmp.resolve("state"));

        assertEquals(List.of(), result.problems(), golden.name());
        assertEquals(golden.expectedDeadLetters(), result.deadLetters(), golden.name() + ": dead-letter topic");
        Path actual = tmp.resolve("sink.jsonl");
        Files.write(actual, result.windows(), StandardCharsets.UTF_8);
        assertEquals(0, TallyCli.execute("test", "-c", golden.job().toString(), "--actual", actual.toString(),
                        "--expected", golden.expected().toString()),
                golden.name() + ": sink topic differs from expected (see stderr): " + result.windows());
    }
}
