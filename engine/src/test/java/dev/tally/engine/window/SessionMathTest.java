package dev.tally.engine.window;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionMathTest {

    @ParameterizedTest(name = "[{0}] + event {2}, gap {1} -> sessions {3}..{4} become [{5}, {6}]")
    @CsvSource({
            // new session: no sessions, between two, before all, after all
            "'', 10, 5, 0, 0, 5, 5",
            "0:10;40:50, 10, 25, 1, 1, 25, 25",
            "0:10;40:50, 10, -30, 0, 0, -30, -30",
            "0:10;40:50, 10, 100, 2, 2, 100, 100",
            // inside an existing session
            "0:10;40:50, 10, 5, 0, 1, 0, 10",
            // extend at the end, at the start
            "0:10;40:50, 10, 15, 0, 1, 0, 15",
            "0:10;40:50, 10, 19, 0, 1, 0, 19",
            "0:10;40:50, 10, 35, 1, 2, 35, 50",
            "0:10;40:50, 10, 31, 1, 2, 31, 50",
            // exactly one gap away from either end: a new session
            "0:10;40:50, 10, 20, 1, 1, 20, 20",
            "0:10;40:50, 10, 30, 1, 1, 30, 30",
            "0:10;40:50, 10, 60, 2, 2, 60, 60",
            "0:10, 10, -10, 0, 0, -10, -10",
            // bridges two sessions into one
            "0:10;25:35, 10, 18, 0, 2, 0, 35",
            "0:10;25:35;60:70, 10, 16, 0, 2, 0, 35",
            // negative times
            "-50:-40, 10, -35, 0, 1, -50, -35",
            "-50:-40, 10, -30, 1, 1, -30, -30",
            "-50:-40;-25:-15, 10, -32, 0, 2, -50, -15",
            // at the edges of the long range
            "9223372036854775800:9223372036854775800, 10, 9223372036854775807, 0, 1, 9223372036854775800, 9223372036854775807",
            "-9223372036854775808:-9223372036854775800, 10, -9223372036854775795, 0, 1, -9223372036854775808, -9223372036854775795",
    })
    void shouldMergeAsDocumentedWhenEventArrives(String sessions, long gap, long time, int first, int last, long start, long end) {
        SessionMath.Merge merge = SessionMath.merge(parse(sessions), time, gap);
        assertEquals(new SessionMath.Merge(first, last, start, end), merge);
        assertEquals(first == last, merge.isNew());
    }

    @ParameterizedTest(name = "end {0}, gap {1}, watermark {2} -> closed {3}")
    @CsvSource({
            "10, 5, 14, false",
            "10, 5, 15, true",
            "-10, 5, -5, true",
            "9223372036854775800, 10, 9223372036854775807, false",
    })
    void shouldCloseWhenWatermarkReachesEndPlusGap(long end, long gap, long watermark, boolean closed) {
        assertEquals(closed, SessionMath.isClosed(end, gap, watermark));
    }

    private static List<SessionMath.Session> parse(String text) {
        List<SessionMath.Session> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String s : text.split(";")) {
            int colon = s.indexOf(':', 1);
            out.add(new SessionMath.Session(Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1))));
        }
        return out;
    }
}
