package dev.tally.engine.window;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WindowMathTest {

    @ParameterizedTest(name = "size {0}, slide {1} -> pane {2}")
    @CsvSource({
            "10, 10, 10",
            "30, 10, 10",
            "30, 20, 10",
            "60, 45, 15",
            "7, 3, 1",
            "86400000, 3600000, 3600000",
    })
    void shouldUseGcdWhenComputingPaneWidth(long size, long slide, long expected) {
        assertEquals(expected, WindowMath.paneWidth(size, slide));
    }

    @ParameterizedTest(name = "size {0}, slide {1}")
    @CsvSource({"0, 0", "10, 0", "0, 10", "-10, 5", "10, 20"})
    void shouldRejectWhenSizeOrSlideInvalid(long size, long slide) {
        assertThrows(IllegalArgumentException.class, () -> WindowMath.paneWidth(size, slide));
    }

    @ParameterizedTest(name = "time {0}, width {1} -> {2}")
    @CsvSource({
            "0, 10, 0",
            "9, 10, 0",
            "10, 10, 10",
            "-1, 10, -10",
            "-10, 10, -10",
            "-11, 10, -20",
            "1700000000123, 1000, 1700000000000",
            "9223372036854775807, 10, 9223372036854775800",
            "-9223372036854775800, 10, -9223372036854775800",
    })
    void shouldFloorWhenComputingPaneStart(long time, long width, long expected) {
        assertEquals(expected, WindowMath.paneStart(time, width));
    }

    @Test
    void shouldRejectWhenPaneStartUnderflows() {
        assertThrows(IllegalArgumentException.class, () -> WindowMath.paneStart(Long.MIN_VALUE, 10));
    }

    @ParameterizedTest(name = "time {0}, size {1}, slide {2} -> {3}")
    @CsvSource({
            // hopping, slide divides size
            "0, 30, 10, -20;-10;0",
            "25, 30, 10, 0;10;20",
            "29, 30, 10, 0;10;20",
            "30, 30, 10, 10;20;30",
            "-1, 30, 10, -30;-20;-10",
            "-30, 30, 10, -50;-40;-30",
            // tumbling
            "0, 10, 10, 0",
            "9, 10, 10, 0",
            "-1, 10, 10, -10",
            // hopping, slide does not divide size (panes of 10)
            "25, 30, 20, 0;20",
            "35, 30, 20, 20",
            "10, 30, 20, 0",
            "-5, 30, 20, -20",
    })
    void shouldGiveFirstAndLastContainingWindowWhenGivenTime(long time, long size, long slide, String expected) {
        long[] want = Arrays.stream(expected.split(";")).mapToLong(Long::parseLong).toArray();
        assertEquals(want[0], WindowMath.firstWindowStart(time, size, slide));
        assertEquals(want[want.length - 1], WindowMath.lastWindowStart(time, slide));
    }

    @ParameterizedTest(name = "size {0}, pane {1} -> {2} panes")
    @CsvSource({"30, 10, 3", "10, 10, 1", "60, 15, 4", "86400000, 1000, 86400"})
    void shouldCountSizeOverPaneWidthWhenCountingPanesOfWindow(long size, long pane, int panes) {
        assertEquals(panes, WindowMath.panesPerWindow(size, pane));
    }

    @ParameterizedTest(name = "start {0}, size {1} -> end {2}")
    @CsvSource({"0, 30, 30", "-30, 30, 0", "9223372036854775800, 30, 9223372036854775807"})
    void shouldSaturateWhenWindowEndDoesNotFit(long start, long size, long end) {
        assertEquals(end, WindowMath.windowEnd(start, size));
    }

    @ParameterizedTest(name = "pane {0} (width {1}), size {2}, slide {3}, watermark {4} -> closed {5}")
    @CsvSource({
            "20, 10, 30, 10, 49, false",
            "20, 10, 30, 10, 50, true",
            "0, 10, 10, 10, 9, false",
            "0, 10, 10, 10, 10, true",
            "-10, 10, 30, 10, 19, false",
            "-10, 10, 30, 10, 20, true",
            "20, 10, 30, 20, 49, false",
            "20, 10, 30, 20, 50, true",
            "10, 10, 30, 20, 29, false",
            "10, 10, 30, 20, 30, true",
            "0, 10, 30, 10, -9223372036854775808, false",
            "9223372036854775800, 10, 30, 10, 9223372036854775807, false",
            "9223372036854775770, 10, 30, 10, 9223372036854775807, true",
    })
    void shouldClosePaneOnlyWhenLastContainingWindowClosed(long pane, long paneWidth, long size, long slide, long watermark,
                                                         boolean late) {
        assertEquals(late, WindowMath.isPaneClosed(pane, size, slide, watermark));
    }

    @ParameterizedTest(name = "watermark {0}, size {1}, slide {2} -> first open window {3}")
    @CsvSource({
            "29, 30, 10, 0",
            "30, 30, 10, 10",
            "39, 30, 10, 10",
            "40, 30, 10, 20",
            "-25, 30, 10, -50",
            "0, 30, 10, -20",
            "9, 10, 10, 0",
            "10, 10, 10, 10",
            "-1, 10, 10, -10",
            "100, 30, 20, 80",
            "-9223372036854775808, 30, 10, -9223372036854775808",
            "-9223372036854775800, 30, 10, -9223372036854775800",
            "9223372036854775807, 30, 10, 9223372036854775780",
    })
    void shouldStartAfterEveryClosedWindowWhenGivenWatermark(long watermark, long size, long slide, long expected) {
        assertEquals(expected, WindowMath.firstOpenWindowStart(watermark, size, slide));
    }

    @Test
    void shouldCloseEveryWindowExactlyOnceWhenWatermarkAdvancesInSteps() {
        Random random = new Random(42);
        long[][] shapes = {{10, 10}, {30, 10}, {30, 20}, {60, 45}};
        for (long[] shape : shapes) {
            long size = shape[0];
            long slide = shape[1];
            Map<Long, Integer> closedAt = new HashMap<>();
            long wm = -500;
            for (int step = 0; step < 200; step++) {
                long next = wm + random.nextInt(40);
                long from = WindowMath.firstOpenWindowStart(wm, size, slide);
                for (long start = from; start < WindowMath.firstOpenWindowStart(next, size, slide); start += slide) {
                    assertEquals(null, closedAt.put(start, step), "closed twice: " + start);
                    assertEquals(true, start + size <= next, "closes only windows that ended: " + start);
                    assertEquals(true, start + size > wm, "closes only windows still open: " + start);
                }
                wm = next;
            }
            for (long t = -400; t < wm - size; t += 7) {
                for (long start = WindowMath.firstWindowStart(t, size, slide); start <= t; start += slide) {
                    assertEquals(true, closedAt.containsKey(start), "never closed: " + start + " for " + size + "/" + slide);
                    assertEquals(true, WindowMath.isPaneClosed(WindowMath.paneStart(t, WindowMath.paneWidth(size, slide)),
                            size, slide, wm), "the pane of a time whose windows all closed is closed");
                }
            }
        }
    }
}
