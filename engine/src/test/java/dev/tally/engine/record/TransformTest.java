package dev.tally.engine.record;

import static dev.tally.config.AggregateConfig.Type.COUNT_DISTINCT;
import static dev.tally.config.AggregateConfig.Type.LAST;
import static dev.tally.config.AggregateConfig.Type.MAX;
import static dev.tally.config.AggregateConfig.Type.SUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransformTest {
    private static final String W1 = "{\"user\":\"u1234\",\"page\":\"/p/42\",\"ts\":1700000000123,\"bytes\":5123}";

    private static Jobs wordCount() {
        return Jobs.text()
                .step(new TransformStep.Split("line", "\\W+", "word"))
                .step(new TransformStep.Lowercase("word"))
                .step(new TransformStep.Filter("word != ''"))
                .keyField("word");
    }

    private static List<String> keys(List<Jobs.Event> events) {
        return events.stream().map(Jobs.Event::key).collect(Collectors.toList());
    }

    @Test
    void shouldEmitOneLowercasedWordPerTokenWhenCountingWords() throws Exception {
        List<Jobs.Event> events = wordCount().run("  The quick, the LAZY dog's 2nd_try!");

        assertEquals(List.of("the", "quick", "the", "lazy", "dog", "s", "2nd_try"), keys(events));
        assertEquals(222L, events.get(0).time());
    }

    @Test
    void shouldEmitNothingWhenLineHasNoWords() throws Exception {
        assertEquals(List.of(), wordCount().run(" ,;! "));
        assertEquals(List.of(), wordCount().run(""));
    }

    @Test
    void shouldGiveEveryTokenTheSameStartingFieldsWhenLaterStepsOverwriteThem() throws Exception {
        List<Jobs.Event> events = Jobs.json()
                .step(new TransformStep.Split("line", " ", "word"))
                .step(new TransformStep.Compute("n", "n + 1"))
                .step(new TransformStep.Lowercase("tag"))
                .keyField("word").aggregates(Jobs.agg(LAST, "n"), Jobs.agg(LAST, "tag"))
                .run("{\"line\":\"a b c\",\"n\":1,\"tag\":\"X\"}");

        assertEquals(List.of("a", "b", "c"), keys(events));
        events.forEach(e -> assertEquals(List.of(2L, "x"), e.inputs()));
    }

    @Test
    void shouldFlattenNestedSplitsWhenTwoSplitsFollowEachOther() throws Exception {
        List<Jobs.Event> events = Jobs.text()
                .step(new TransformStep.Split("line", "\\s+", "pair"))
                .step(new TransformStep.Split("pair", ",", "item"))
                .step(new TransformStep.Filter("item != 'skip'"))
                .keyField("item").aggregates(Jobs.agg(LAST, "pair")).run("a,b skip,c ,,d");

        assertEquals(List.of("a", "b", "c", "d"), keys(events));
        assertEquals(List.of(List.of("a,b"), List.of("a,b"), List.of("skip,c"), List.of(",,d")),
                events.stream().map(Jobs.Event::inputs).collect(Collectors.toList()));
    }

    @Test
    void shouldSplitIntoTheSameFieldWhenAsNamesTheSource() throws Exception {
        assertEquals(List.of("x", "y"), keys(Jobs.text().step(new TransformStep.Split("line", ";", "line")).keyField("line").run("x;;y;")));
    }

    @Test
    void shouldEmitNothingWhenSplitFieldIsMissing() throws Exception {
        assertEquals(List.of(), Jobs.json().step(new TransformStep.Split("line", "\\s+", "w")).keyField("w").run("{}"));
    }

    @Test
    void shouldSplitNumberTextWhenSplitFieldIsNumeric() throws Exception {
        assertEquals(List.of("12", "5"), keys(Jobs.json().step(new TransformStep.Split("v", "\\.", "w")).keyField("w").run("{\"v\":12.5}")));
    }

    @Test
    void shouldKeyByComputedFieldWhenComputeAndFilterAreChained() throws Exception {
        List<Jobs.Event> events = Jobs.json()
                .step(new TransformStep.Compute("kb", "bytes / 1000"))
                .step(new TransformStep.Filter("kb >= 5"))
                .step(new TransformStep.Compute("bucket", "user + '/' + kb"))
                .keyField("bucket").aggregates(Jobs.agg(SUM, "kb")).run(W1);

        assertEquals(List.of(new Jobs.Event("u1234/5", 222L, List.of(5L))), events);
        assertEquals(List.of(), Jobs.json().step(new TransformStep.Filter("bytes > 9000")).keyField("user").run(W1));
    }

    @Test
    void shouldLeaveNonStringAloneWhenLowercasing() throws Exception {
        assertEquals(List.of("12", "ab"), Stream.of("{\"k\":12}", "{\"k\":\"AB\"}").map(v -> {
            try {
                return Jobs.json().step(new TransformStep.Lowercase("k")).keyField("k").run(v).get(0).key();
            } catch (BadRecordException e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toList()));
    }

    @Test
    void shouldLowercaseWithRootLocaleWhenDefaultLocaleIsTurkish() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals("title", Jobs.json().step(new TransformStep.Lowercase("k")).keyField("k").run("{\"k\":\"TITLE\"}").get(0).key());
        } finally {
            Locale.setDefault(before);
        }
    }

    static Stream<Arguments> keyTexts() {
        return Stream.of(
                Arguments.of("\"u1\"", "u1"), Arguments.of("42", "42"), Arguments.of("-7", "-7"),
                Arguments.of("3.0", "3"), Arguments.of("2.5", "2.5"), Arguments.of("1e20", "1.0E20"),
                Arguments.of("true", "true"), Arguments.of("\"\"", ""), Arguments.of("{\"a\":1}", "{\"a\":1}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("keyTexts")
    void shouldTurnFieldIntoKeyTextWhenKeyIsAField(String json, String expected) throws Exception {
        assertEquals(expected, Jobs.json().keyField("k").run("{\"k\":" + json + "}").get(0).key());
    }

    @Test
    void shouldKeyByExpressionValueWhenKeyIsAnExpression() throws Exception {
        assertEquals("u1234:/p/42", Jobs.json().keyExpression("user + ':' + page").run(W1).get(0).key());
        assertEquals("5", Jobs.json().keyExpression("bytes / 1000").run(W1).get(0).key());
    }

    @Test
    void shouldKeyByKafkaKeyWhenKeyIsRecordKey() throws Exception {
        RecordPipeline pipeline = Jobs.text().recordKey()
                .step(new TransformStep.Split("line", "\\s+", "w")).pipeline();

        assertEquals(List.of("cl\u00e9", "cl\u00e9"), keys(Jobs.run(pipeline, "cl\u00e9", "a b")));
    }

    @Test
    void shouldGiveAggregateInputsInJobOrderWhenThereAreSeveral() throws Exception {
        List<Jobs.Event> events = Jobs.json().keyField("user").eventTime("ts", TimeConfig.Format.EPOCH_MILLIS)
                .aggregates(Jobs.COUNT, Jobs.agg(SUM, "bytes"), Jobs.agg(LAST, "page"), Jobs.agg(MAX, "ts"),
                        Jobs.agg(COUNT_DISTINCT, "user"), Jobs.agg(LAST, "absent"))
                .run(W1);

        assertEquals(List.of(new Jobs.Event("u1234", 1700000000123L,
                Arrays.asList(null, 5123L, "/p/42", 1700000000123L, "u1234", null))), events);
    }

    @Test
    void shouldReuseOneInputsArrayWhenProcessingManyRecords() throws Exception {
        RecordPipeline pipeline = Jobs.json().keyField("user").aggregates(Jobs.agg(SUM, "bytes")).pipeline();
        List<Object[]> arrays = new ArrayList<>();
        KeyedEventSink sink = (k, t, inputs) -> arrays.add(inputs);

        pipeline.process(null, W1.getBytes(), 0, 0, sink);
        pipeline.process(null, "{\"user\":\"b\",\"bytes\":1}".getBytes(), 0, 0, sink);

        assertSame(arrays.get(0), arrays.get(1));
        assertEquals(1L, arrays.get(1)[0]);
    }

    @Test
    void shouldReuseOneInputsArrayWhenSplitEventsAreBuffered() throws Exception {
        RecordPipeline pipeline = Jobs.text().step(new TransformStep.Split("line", " ", "w")).keyField("w")
                .aggregates(Jobs.agg(LAST, "w")).pipeline();
        List<Object[]> arrays = new ArrayList<>();
        List<Object> values = new ArrayList<>();

        pipeline.process(null, "a b c".getBytes(), 0, 0, (k, t, inputs) -> {
            arrays.add(inputs);
            values.add(inputs[0]);
        });

        assertEquals(List.of("a", "b", "c"), values);
        assertSame(arrays.get(0), arrays.get(2));
    }
}
