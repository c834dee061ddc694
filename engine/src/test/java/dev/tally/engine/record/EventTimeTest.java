package dev.tally.engine.record;

import static dev.tally.config.TimeConfig.Format.EPOCH_MILLIS;
import static dev.tally.config.TimeConfig.Format.EPOCH_SECONDS;
import static dev.tally.config.TimeConfig.Format.ISO_8601;
import static dev.tally.engine.record.BadRecordException.Reason.BAD_TIME;
import static dev.tally.engine.record.BadRecordException.Reason.MISSING_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.config.TimeConfig;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventTimeTest {

    static Stream<Arguments> times() {
        return Stream.of(
                Arguments.of(EPOCH_MILLIS, "1700000000123", 1700000000123L),
                Arguments.of(EPOCH_MILLIS, "0", 0L),
                Arguments.of(EPOCH_MILLIS, "-1", -1L),
                Arguments.of(EPOCH_MILLIS, "-86400000", -86400000L),
                Arguments.of(EPOCH_MILLIS, "\"1700000000123\"", 1700000000123L),
                Arguments.of(EPOCH_MILLIS, "\" -5 \"", -5L),
                Arguments.of(EPOCH_MILLIS, "1.700000000123E12", 1700000000123L),
                Arguments.of(EPOCH_MILLIS, "1.5", BAD_TIME),
                Arguments.of(EPOCH_MILLIS, "1e300", BAD_TIME),
                Arguments.of(EPOCH_MILLIS, "\"soon\"", BAD_TIME),
                Arguments.of(EPOCH_MILLIS, "true", BAD_TIME),
                Arguments.of(EPOCH_MILLIS, "{\"at\":1}", BAD_TIME),
                Arguments.of(EPOCH_MILLIS, "null", MISSING_TIME),
                Arguments.of(EPOCH_SECONDS, "1700000000", 1700000000000L),
                Arguments.of(EPOCH_SECONDS, "1700000000.123", 1700000000123L),
                Arguments.of(EPOCH_SECONDS, "0", 0L),
                Arguments.of(EPOCH_SECONDS, "0.0", 0L),
                Arguments.of(EPOCH_SECONDS, "-1.5", -1500L),
                Arguments.of(EPOCH_SECONDS, "-1", -1000L),
                Arguments.of(EPOCH_SECONDS, "\"-2\"", -2000L),
                Arguments.of(EPOCH_SECONDS, "\"1700000000.5\"", 1700000000500L),
                Arguments.of(EPOCH_SECONDS, "9223372036854775", 9223372036854775000L),
                Arguments.of(EPOCH_SECONDS, "9223372036854776", BAD_TIME),
                Arguments.of(EPOCH_SECONDS, "1e17", BAD_TIME),
                Arguments.of(EPOCH_SECONDS, "\"2023-11-14T22:13:20Z\"", BAD_TIME),
                Arguments.of(ISO_8601, "\"2023-11-14T22:13:20.123Z\"", 1700000000123L),
                Arguments.of(ISO_8601, "\"2023-11-15T00:13:20.123+02:00\"", 1700000000123L),
                Arguments.of(ISO_8601, "\"2023-11-14T17:13:20.123-05:00\"", 1700000000123L),
                Arguments.of(ISO_8601, "\"2023-11-14T23:13:20.123+01:00[Europe/Paris]\"", 1700000000123L),
                Arguments.of(ISO_8601, "\"1970-01-01T00:00:00Z\"", 0L),
                Arguments.of(ISO_8601, "\"1969-12-31T23:59:59.999Z\"", -1L),
                Arguments.of(ISO_8601, "\"2023-11-14T22:13:20\"", BAD_TIME),
                Arguments.of(ISO_8601, "\"2023-11-14\"", BAD_TIME),
                Arguments.of(ISO_8601, "\"yesterday\"", BAD_TIME),
                Arguments.of(ISO_8601, "1700000000123", BAD_TIME),
                Arguments.of(null, "1700000000123", 1700000000123L),
                Arguments.of(null, "\"1700000000123\"", 1700000000123L),
                Arguments.of(null, "\"2023-11-14T22:13:20.123Z\"", 1700000000123L),
                Arguments.of(null, "\"noon\"", BAD_TIME));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("times")
    void shouldReadEventTimeWhenFieldHasFormat(TimeConfig.Format format, String json, Object expected) throws Exception {
        Jobs jobs = Jobs.json().keyExpression("'k'").eventTime("ts", format);
        String value = "{\"ts\":" + json + "}";

        if (expected instanceof Long) {
            assertEquals(expected, jobs.run(value).get(0).time());
        } else {
            assertEquals(expected, jobs.failure(value));
        }
    }

    @Test
    void shouldFailWithMissingTimeWhenFieldIsAbsent() {
        assertEquals(MISSING_TIME, Jobs.json().keyExpression("'k'").eventTime("ts", EPOCH_MILLIS).failure("{\"t\":1}"));
    }

    @Test
    void shouldReadNestedTimeFieldWhenPathIsDotted() throws Exception {
        long time = Jobs.json().keyExpression("'k'").eventTime("meta.at", ISO_8601)
                .run("{\"meta\":{\"at\":\"2023-11-14T22:13:20.123Z\"}}").get(0).time();

        assertEquals(1700000000123L, time);
    }

    @Test
    void shouldReadCsvTimeWhenColumnIsNumericText() throws Exception {
        long time = Jobs.csv(',', "id", "ts").keyField("id").eventTime("ts", EPOCH_SECONDS).run("a,1700000000").get(0).time();

        assertEquals(1700000000000L, time);
    }

    @Test
    void shouldUseRecordTimestampWhenTimeIsLogAppend() throws Exception {
        assertEquals(111L, Jobs.json().keyExpression("'k'").time(TimeConfig.Type.LOG_APPEND).run("{}").get(0).time());
    }

    @Test
    void shouldUseBatchTimeWhenTimeIsProcessingOrUnset() throws Exception {
        assertEquals(222L, Jobs.json().keyExpression("'k'").time(TimeConfig.Type.PROCESSING).run("{}").get(0).time());
        assertEquals(222L, Jobs.json().keyExpression("'k'").run("{}").get(0).time());
    }
}
