package dev.tally.engine.record;

import static dev.tally.engine.record.BadRecordException.Reason.BAD_TIME;
import static dev.tally.engine.record.BadRecordException.Reason.EXPRESSION_FAILED;
import static dev.tally.engine.record.BadRecordException.Reason.MISSING_KEY;
import static dev.tally.engine.record.BadRecordException.Reason.MISSING_TIME;
import static dev.tally.engine.record.BadRecordException.Reason.UNDECODABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.JobConfig;
import dev.tally.config.KeyConfig;
import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BadRecordTest {

    /** A W1-like job: key user, event time ts, keeps big non-health requests. */
    private static Jobs w1() {
        return Jobs.json().keyField("user").eventTime("ts", TimeConfig.Format.EPOCH_MILLIS)
                .step(new TransformStep.Filter("bytes > 1000 && page != '/health'"));
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("not json", UNDECODABLE),
                Arguments.of("", UNDECODABLE),
                Arguments.of("[1,2]", UNDECODABLE),
                Arguments.of("\"text\"", UNDECODABLE),
                Arguments.of("42", UNDECODABLE),
                Arguments.of("{\"user\":\"u\",", UNDECODABLE),
                Arguments.of("{\"user\":\"u\"} trailing", UNDECODABLE),
                Arguments.of("{\"user\":\"u\"}}", UNDECODABLE),
                Arguments.of("{user:\"u\"}", UNDECODABLE),
                Arguments.of("{\"user\":\"u\",\"ts\":1,\"page\":\"/\",\"bytes\":2000", UNDECODABLE),
                Arguments.of("{\"ts\":1,\"page\":\"/\",\"bytes\":2000}", MISSING_KEY),
                Arguments.of("{\"user\":null,\"ts\":1,\"page\":\"/\",\"bytes\":2000}", MISSING_KEY),
                Arguments.of("{\"user\":\"u\",\"page\":\"/\",\"bytes\":2000}", MISSING_TIME),
                Arguments.of("{\"user\":\"u\",\"ts\":\"late\",\"page\":\"/\",\"bytes\":2000}", BAD_TIME),
                Arguments.of("{\"user\":\"u\",\"ts\":1,\"page\":\"/\"}", EXPRESSION_FAILED),
                Arguments.of("{\"user\":\"u\",\"ts\":1,\"page\":\"/\",\"bytes\":\"x\"}", EXPRESSION_FAILED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badJson")
    void shouldRejectRecordWithReasonWhenItCannotBeProcessed(String value, BadRecordException.Reason reason) {
        assertEquals(reason, w1().failure(value));
    }

    @Test
    void shouldRejectTheWholeRecordWhenANumericAggregateGetsText() {
        Jobs jobs = Jobs.json().keyField("user").eventTime("ts", TimeConfig.Format.EPOCH_MILLIS)
                .aggregates(Jobs.COUNT, Jobs.agg(dev.tally.config.AggregateConfig.Type.SUM, "bytes"));
        BadRecordException e = assertThrows(BadRecordException.class,
                () -> jobs.run("{\"user\":\"u\",\"ts\":1,\"bytes\":\"abc\"}"));
        assertEquals(BadRecordException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void shouldNameParserLocationWhenJsonIsMalformed() {
        BadRecordException e = assertThrows(BadRecordException.class, () -> w1().run("{\"user\":\n  tru}"));

        assertTrue(e.getMessage().contains("line 2, column"), e.getMessage());
    }

    @Test
    void shouldRejectTombstoneWhenValueIsNull() {
        assertEquals(UNDECODABLE, assertThrows(BadRecordException.class,
                () -> Jobs.run(w1().pipeline(), "k", null)).reason());
        assertEquals(UNDECODABLE, assertThrows(BadRecordException.class,
                () -> Jobs.run(Jobs.text().keyExpression("'k'").pipeline(), "k", null)).reason());
    }

    @Test
    void shouldRejectCsvWhenQuotesAreBroken() {
        Jobs csv = Jobs.csv(',', "a", "b").keyField("a");

        assertEquals(UNDECODABLE, csv.failure("x,\"never closed"));
        assertEquals(UNDECODABLE, csv.failure("x,\"closed\"early"));
    }

    @Test
    void shouldFailWithExpressionFailedWhenFilterIsNotBoolean() {
        Jobs jobs = Jobs.json().keyField("k").step(new TransformStep.Filter("n + 1"));

        BadRecordException e = assertThrows(BadRecordException.class, () -> jobs.run("{\"k\":\"a\",\"n\":1}"));

        assertEquals(EXPRESSION_FAILED, e.reason());
        assertTrue(e.getMessage().contains("transform[0]"), e.getMessage());
    }

    @Test
    void shouldFailWithExpressionFailedWhenComputeDividesByZero() {
        assertEquals(EXPRESSION_FAILED, Jobs.json().keyField("k").step(new TransformStep.Compute("r", "a / b"))
                .failure("{\"k\":\"x\",\"a\":1,\"b\":0}"));
    }

    @Test
    void shouldFailWithMissingKeyWhenKeyExpressionIsNull() {
        assertEquals(MISSING_KEY, Jobs.json().keyExpression("region").failure("{\"x\":1}"));
    }

    @Test
    void shouldFailWithMissingKeyWhenRecordKeyIsNull() throws Exception {
        RecordPipeline pipeline = Jobs.json().recordKey().pipeline();

        assertEquals(MISSING_KEY, assertThrows(BadRecordException.class, () -> Jobs.run(pipeline, null, "{}")).reason());
        assertEquals("k1", Jobs.run(pipeline, "k1", "{}").get(0).key());
    }

    @Test
    void shouldEmitNothingWhenASplitRecordFailsOnALaterToken() throws Exception {
        RecordPipeline pipeline = Jobs.text()
                .step(new TransformStep.Split("line", "\\s+", "word"))
                .step(new TransformStep.Compute("n", "word == 'boom' ? 1 / 0 : 1"))
                .keyField("word").pipeline();
        List<String> seen = new ArrayList<>();

        assertThrows(BadRecordException.class, () -> pipeline.process(null, "a b boom c".getBytes(), 0, 0,
                (k, t, in) -> seen.add(k)));

        assertEquals(List.of(), seen);
        assertEquals(2, Jobs.run(pipeline, null, "a b").size());
    }

    static Stream<Arguments> unusableJobs() {
        return Stream.of(
                Arguments.of(Jobs.json().keyField("k").step(new TransformStep.Filter("a >"))),
                Arguments.of(Jobs.json().keyField("k").step(new TransformStep.Filter(" "))),
                Arguments.of(Jobs.json().keyExpression("k.toString()")),
                Arguments.of(Jobs.json().keyField("k").step(new TransformStep.Compute("x", "y = 1"))),
                Arguments.of(Jobs.text().keyField("user")),
                Arguments.of(Jobs.csv(',', "a", "b").keyField("c")),
                Arguments.of(Jobs.csv(',').keyField("name")),
                Arguments.of(Jobs.csv('"', "a").keyField("a")),
                Arguments.of(Jobs.json().keyField("k").eventTime(null, TimeConfig.Format.EPOCH_MILLIS)),
                Arguments.of(Jobs.json().step(new TransformStep.Split("line", "\\s", null))));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("unusableJobs")
    void shouldRefuseToCompileWhenJobCannotRun(Jobs jobs) {
        assertThrows(IllegalArgumentException.class, jobs::pipeline);
    }

    @Test
    void shouldRefuseToCompileWhenKeyHasNoneOrTwoSources() {
        for (KeyConfig key : List.of(new KeyConfig(null, null, false), new KeyConfig("a", null, true))) {
            JobConfig base = Jobs.json().job();
            JobConfig job = new JobConfig(base.name(), base.source(), base.transform(), key,
                    base.time(), base.window(), base.aggregates(), base.emit(), base.batch(), base.sink(),
                    base.deadLetterTopic(), base.errors(), base.standbyReplicas());

            assertThrows(IllegalArgumentException.class, () -> RecordPipeline.compile(job));
        }
    }
}
