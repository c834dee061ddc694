package dev.tally.engine.record;

import static dev.tally.config.AggregateConfig.Type.LAST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.config.TransformStep;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecodingTest {

    static Stream<Arguments> jsonCases() {
        return Stream.of(
                Arguments.of("{\"a\":1}", "a", 1L),
                Arguments.of("{\"a\":-5}", "a", -5L),
                Arguments.of("{\"a\":1.5}", "a", 1.5),
                Arguments.of("{\"a\":1e3}", "a", 1000.0),
                Arguments.of("{\"a\":12345678901234567890}", "a", 1.2345678901234567E19),
                Arguments.of("{\"a\":\"x\"}", "a", "x"),
                Arguments.of("{\"a\":\"q\\\"u\\u00e9\"}", "a", "q\"u\u00e9"),
                Arguments.of("{\"a\":\"h\u00e9llo\"}", "a", "h\u00e9llo"),
                Arguments.of("{\"a\":true}", "a", true),
                Arguments.of("{\"a\":false}", "a", false),
                Arguments.of("{\"a\":null}", "a", null),
                Arguments.of("{}", "a", null),
                Arguments.of("{\"b\":1}", "a", null),
                Arguments.of("{\"a\":1,\"a\":2}", "a", 2L),
                Arguments.of("{\"user\":{\"id\":\"u1\"}}", "user.id", "u1"),
                Arguments.of("{\"user\":{\"geo\":{\"cc\":\"FR\"}},\"cc\":\"no\"}", "user.geo.cc", "FR"),
                Arguments.of("{\"user\":{\"name\":\"n\",\"id\":7}}", "user.id", 7L),
                Arguments.of("{\"user\":\"plain\"}", "user.id", null),
                Arguments.of("{\"user\":[{\"id\":1}]}", "user.id", null),
                Arguments.of("{\"x\":{\"a\":[{\"a\":1}]},\"a\":2}", "a", 2L),
                Arguments.of("{\"a\":{\"b\":[1,{\"c\":2}]}}", "a", "{\"b\":[1,{\"c\":2}]}"),
                Arguments.of("{\"a\":[1, 2]}", "a", "[1, 2]"),
                Arguments.of(" {\"a\":3} \n", "a", 3L));
    }

    @ParameterizedTest(name = "{0} [{1}] = {2}")
    @MethodSource("jsonCases")
    void shouldDecodeJsonFieldWhenItIsReferenced(String value, String path, Object expected) throws Exception {
        List<Jobs.Event> events = Jobs.json().keyExpression("'k'").aggregates(Jobs.agg(LAST, path)).run(value);

        assertEquals(1, events.size());
        assertEquals(Arrays.asList(expected), events.get(0).inputs());
    }

    @Test
    void shouldDecodeObjectTextAndNestedFieldWhenBothAreReferenced() throws Exception {
        List<Jobs.Event> events = Jobs.json().keyField("user.id").aggregates(Jobs.agg(LAST, "user"))
                .run("{\"user\":{\"id\":42,\"n\":[1]}}");

        assertEquals("42", events.get(0).key());
        assertEquals(List.of("{\"id\":42,\"n\":[1]}"), events.get(0).inputs());
    }

    static Stream<Arguments> csvCases() {
        List<String> abc = List.of("a", "b", "c");
        return Stream.of(
                Arguments.of(',', abc, "1,2,3", "b", "2"),
                Arguments.of(',', abc, "1,\"x,y\",3", "b", "x,y"),
                Arguments.of(',', abc, "1,\"say \"\"hi\"\"\",3", "b", "say \"hi\""),
                Arguments.of(',', abc, "1,\"two\nlines\",3", "b", "two\nlines"),
                Arguments.of(',', abc, "\"first\",2,3", "a", "first"),
                Arguments.of(',', abc, "1,,3", "b", null),
                Arguments.of(',', abc, "1,\"\",3", "b", ""),
                Arguments.of(',', abc, "1,2", "c", null),
                Arguments.of(',', abc, "1,2,", "c", null),
                Arguments.of(',', abc, "1,2,3\r\n", "c", "3"),
                Arguments.of(',', abc, "1,2,\"3\"\n", "c", "3"),
                Arguments.of(',', abc, "1,2,3,4,5", "c", "3"),
                Arguments.of(',', abc, "1,a\"b,3", "b", "a\"b"),
                Arguments.of(';', abc, "1;2,5;3", "b", "2,5"),
                Arguments.of('\t', abc, "1\t \t3", "b", " "),
                Arguments.of('\0', abc, "1,2,3", "c", "3"),
                Arguments.of(',', List.of(), "x,y,z", "c2", "z"),
                Arguments.of(',', List.of(), "x,y,z", "c0", "x"));
    }

    @ParameterizedTest(name = "{2} [{3}] = {4}")
    @MethodSource("csvCases")
    void shouldDecodeCsvColumnWhenItIsReferenced(char delimiter, List<String> columns, String row, String field, String expected)
            throws Exception {
        List<Jobs.Event> events = Jobs.csv(delimiter, columns.toArray(String[]::new)).keyExpression("'k'")
                .aggregates(Jobs.agg(LAST, field)).run(row);

        assertEquals(Arrays.asList(expected), events.get(0).inputs());
    }

    @Test
    void shouldKeepCsvValuesAsStringsWhenTheyLookNumeric() throws Exception {
        List<Jobs.Event> events = Jobs.csv(',', "id", "bytes").keyField("id")
                .aggregates(Jobs.agg(LAST, "bytes")).run("007,5123");

        assertEquals(new Jobs.Event("007", 222L, List.of("5123")), events.get(0));
    }

    @Test
    void shouldSeeNumericCsvStringsAsNumbersWhenExpressionsReadThem() throws Exception {
        List<Jobs.Event> events = Jobs.csv(',', "id", "bytes", "ratio")
                .step(new TransformStep.Compute("next", "bytes + 1"))
                .step(new TransformStep.Compute("half", "ratio * 2"))
                .step(new TransformStep.Filter("id == '007' && bytes > 1000"))
                .keyField("id").aggregates(Jobs.agg(LAST, "next"), Jobs.agg(LAST, "half")).run("007,5123,0.25");

        assertEquals(List.of(5124L, 0.5), events.get(0).inputs());
    }

    static Stream<Arguments> textCases() {
        return Stream.of(
                Arguments.of("hello world", "hello world"),
                Arguments.of("", ""),
                Arguments.of("h\u00e9llo \u4e16\u754c", "h\u00e9llo \u4e16\u754c"),
                Arguments.of("kept\n", "kept\n"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("textCases")
    void shouldDecodeTextAsLineWhenFormatIsText(String value, String expected) throws Exception {
        List<Jobs.Event> events = Jobs.text().keyExpression("'k'").aggregates(Jobs.agg(LAST, "line")).run(value);

        assertEquals(List.of(expected), events.get(0).inputs());
    }

    static Stream<Arguments> numberTexts() {
        return Stream.of(
                Arguments.of("0", 0L), Arguments.of("-12", -12L), Arguments.of("5123", 5123L),
                Arguments.of("1.5", 1.5), Arguments.of("-2e3", -2000.0), Arguments.of("1E-2", 0.01),
                Arguments.of("1234567890123456789", 1.234567890123456789E18),
                Arguments.of("007", null), Arguments.of("", null), Arguments.of("-", null), Arguments.of("1.", null),
                Arguments.of(".5", null), Arguments.of("1e", null), Arguments.of(" 1", null), Arguments.of("12a", null),
                Arguments.of("NaN", null), Arguments.of("0x10", null));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("numberTexts")
    void shouldParseNumberWhenTextLooksLikeOne(String text, Object expected) {
        assertEquals(expected, Values.parseNumber(text));
    }
}
