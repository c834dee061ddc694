package dev.tally.engine.record;

import static dev.tally.config.AggregateConfig.Type.LAST;
import static dev.tally.engine.record.BadRecordException.Reason.EXPRESSION_FAILED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TransformStep;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExpressionTest {
    private static final String W1 = "{\"user\":\"u1234\",\"page\":\"/p/42\",\"ts\":1700000000123,\"bytes\":5123,"
            + "\"geo\":{\"cc\":\"FR\"},\"name\":\"  Ann \",\"ok\":true}";

    private static Object compute(String expression, String value) throws BadRecordException {
        return Jobs.json().keyExpression("'k'").step(new TransformStep.Compute("out", expression))
                .aggregates(Jobs.agg(LAST, "out")).run(value).get(0).inputs().get(0);
    }

    static Stream<Arguments> expressions() {
        return Stream.of(
                Arguments.of("bytes > 1000 && page != '/health'", true),
                Arguments.of("bytes * 2", 10246L),
                Arguments.of("bytes / 2.0", 2561.5),
                Arguments.of("bytes % 1000", 123L),
                Arguments.of("geo.cc == 'FR'", true),
                Arguments.of("page =~ '^/p/.*'", true),
                Arguments.of("ok ? 'yes' : 'no'", "yes"),
                Arguments.of("missing == null", true),
                Arguments.of("missing != null && missing > 3", false),
                Arguments.of("len(page)", 5L),
                Arguments.of("len(missing)", 0L),
                Arguments.of("lower('AbC') + upper(user)", "abcU1234"),
                Arguments.of("trim(name)", "Ann"),
                Arguments.of("contains(page, '/42')", true),
                Arguments.of("startsWith(page, '/p')", true),
                Arguments.of("endsWith(page, '/p')", false),
                Arguments.of("startsWith(missing, '/p')", false),
                Arguments.of("str(bytes) + '!'", "5123!"),
                Arguments.of("num('12') + num(' 1.5 ')", 13.5),
                Arguments.of("num('x') == null", true),
                Arguments.of("size(user)", 5L),
                Arguments.of("empty(missing)", true));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("expressions")
    void shouldEvaluateExpressionWhenRecordHasFields(String expression, Object expected) throws Exception {
        assertEquals(expected, compute(expression, W1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "\"\".getClass()",
        "''.getClass().forName('java.lang.Runtime')",
        "java.lang.Runtime.getRuntime().exec('touch /tmp/pwned')",
        "new('java.lang.Runtime')",
        "new('java.io.File', '/tmp')",
        "user.toString()",
        "out = 1",
        "var x = 1",
        "function(x) { x }",
        "[1, 2]",
        "{'a': 1}",
        "while (true) { 1 }",
        "#pragma jexl.namespace.rt java.lang.Runtime\n 1",
        "a; b"})
    void shouldRefuseExpressionWhenItReachesBeyondTheSandbox(String expression) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Jobs.json().keyField("user").step(new TransformStep.Compute("out", expression)).pipeline());

        assertTrue(e.getMessage().contains("transform[0]"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"page.class", "page.bytes", "page.class.name", "page.empty", "page['class']"})
    void shouldFailRecordWhenExpressionReadsPropertiesOfJavaObjects(String expression) {
        // With page itself a field, page.x is a property read on a String: the permissions must refuse it.
        Jobs jobs = Jobs.json().keyField("page").step(new TransformStep.Compute("out", expression));

        BadRecordException e = assertThrows(BadRecordException.class, () -> jobs.run(W1));

        assertEquals(EXPRESSION_FAILED, e.reason());
    }

    @Test
    void shouldReadDottedNameAsFieldPathWhenItsFirstPartIsNotAField() throws Exception {
        assertEquals(Arrays.asList((Object) null), Arrays.asList(compute("page.class", W1)));
        assertEquals("x", compute("page.class", "{\"page\":{\"class\":\"x\"}}"));
    }

    @Test
    void shouldNotResolveJavaClassesWhenDottedNameLooksLikeOne() throws Exception {
        assertEquals(Arrays.asList((Object) null), Arrays.asList(compute("java.lang.Runtime", W1)));
        assertEquals("not a class", compute("java.lang.Runtime", "{\"java\":{\"lang\":{\"Runtime\":\"not a class\"}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"missing > 3", "missing + 1", "bytes / 0", "page - 1", "len(page, page)"})
    void shouldFailRecordWhenArithmeticHasNoValue(String expression) {
        assertEquals(EXPRESSION_FAILED, assertThrows(BadRecordException.class, () -> compute(expression, W1)).reason());
    }
}
