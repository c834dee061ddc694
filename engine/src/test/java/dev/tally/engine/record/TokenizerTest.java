package dev.tally.engine.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenizerTest {
    private static final List<String> PATTERNS = List.of(
            "\\W+", "\\W", "\\s+", "\\s", " ", " +", ",", ",+", "\\|", "\\.", "[,;]\\s*", "\\d+", "", "x*", "(?=[A-Z])");
    private static final List<String> INPUTS = List.of(
            "", " ", "one", "The quick, brown  fox!", "  lead and trail  ", "tab\tnew\nline\rcr\u000bvt\ffeed",
            "h\u00e9llo w\u00f6rld \u4e16\u754c", "a,,b,;c; d", "x|y||z", "1.5.2", "under_score-dash", "a1b22c333",
            "xaxxbx", "CamelCaseWords", "\u00a0nbsp\u00a0");

    static Stream<Arguments> cases() {
        return PATTERNS.stream().flatMap(p -> INPUTS.stream().map(i -> Arguments.of(p, i)));
    }

    @ParameterizedTest(name = "/{0}/ on [{1}]")
    @MethodSource("cases")
    void shouldMatchRegexSplitWithoutEmptiesWhenTokenizing(String pattern, String input) {
        List<String> expected = Arrays.stream(input.split(pattern)).filter(t -> !t.isEmpty()).collect(Collectors.toList());
        Tokenizer tokenizer = new Tokenizer(pattern);
        List<String> actual = new ArrayList<>();

        tokenizer.reset(input);
        while (tokenizer.next()) {
            actual.add(tokenizer.token());
        }

        assertEquals(expected, actual);
    }
}
