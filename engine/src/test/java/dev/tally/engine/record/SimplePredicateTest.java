package dev.tally.engine.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SimplePredicateTest {
    private static final List<Object> VALUES = Arrays.asList(null, 5L, 5000L, -3L, 0L, 2.5, -3.0, "abc", "", "5", "b", "c",
            "/health", true, false, "5000", 1e300);

    static Stream<Arguments> predicates() {
        return Stream.of("x == 5", "x != 5", "x > 1000", "x >= 5", "x < 2.5", "x <= -3", "x == 'abc'", "x != ''",
                "x > 'b'", "x <= \"c\"", "x == true", "x != false", "x == null", "x != null", "x > 1 && x < 10",
                "x == 'a' || x == 'b' || x == 5", "x > 1000 && y != '/health'", "x==5||y=='/p'", "y != '/health' && x > 1000")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("predicates")
    void shouldAgreeWithJexlWhenPredicateTakesTheFastPath(String text) {
        Expressions.Expression expression = Expressions.compile(text, "test");
        Fields fields = new Fields(2);
        FieldsContext context = new FieldsContext(Map.of("x", 0, "y", 1), fields, false);

        assertTrue(expression.hasFastPath());
        for (Object x : VALUES) {
            for (String y : Arrays.asList("/health", "/p", null)) {
                fields.clear();
                fields.set(0, x);
                fields.set(1, y);
                assertEquals(outcome(() -> expression.evaluateWithJexl(context)), outcome(() -> expression.evaluate(context)),
                        text + " with x=" + x + ", y=" + y);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"len(x) > 3", "(x > 1)", "x.y == 1", "x > 1 && y < 2 || x", "x + 1 > 2", "x eq 5",
        "x =~ 'a'", "size(x) == 1", "5 == x", "x == 'a' + 'b'", "x == 'a\\'b'", "!x", "x", "x > 1 and y < 2", "x == -y", "x == y"})
    void shouldLeaveExpressionToJexlWhenItIsNotSimple(String text) {
        assertFalse(Expressions.compile(text, "test").hasFastPath());
    }

    private interface Evaluation {
        Object run() throws BadRecordException;
    }

    private static Object outcome(Evaluation evaluation) {
        try {
            return evaluation.run();
        } catch (BadRecordException e) {
            return e.reason();
        }
    }
}
