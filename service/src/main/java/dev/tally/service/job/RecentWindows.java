package dev.tally.service.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The latest windows of one job's committed output, as the dashboard shows them: the last value
 * of each key in each of the most recent windows, and the latest few dead letters. Bounded: at
 * most {@link #MAX_WINDOWS} windows of at most {@link #MAX_KEYS} keys each and {@link #MAX_ROWS} in all; keys beyond that are
 * counted, not kept, so a job with millions of keys per window costs the dashboard a fixed amount.
 * Written by the result tap's thread, read by the dashboard's; every method is synchronized.
 */
public final class RecentWindows {
    public static final int MAX_WINDOWS = 24;
    public static final int MAX_KEYS = 5_000;
    /** Rows kept over all windows (a few MB of JSON nodes); the oldest windows give way first. */
    public static final int MAX_ROWS = 20_000;
    public static final int MAX_DEAD_LETTERS = 5;

    /** One window's bounds; start = Long.MIN_VALUE for a global window's running state. */
    public record Bounds(long start, long end) {
    }

    /** A key's latest output in a window: the whole JSON value, every aggregate in it. */
    public record Row(String key, ObjectNode value) {
    }

    /** A window as shown: its bounds, how many keys it had, and the kept rows. */
    public record Window(Bounds bounds, int keys, int dropped, List<Row> rows) {
    }

    /** A dead letter as shown: when it was written, why, and where the input record came from. */
    public record DeadLetter(long timestamp, String reason, String message, String source) {
    }

    private final TreeMap<Bounds, Keys> windows = new TreeMap<>(
            Comparator.comparingLong(Bounds::end).thenComparingLong(Bounds::start));
    private final Deque<DeadLetter> deadLetters = new ArrayDeque<>();
    private long records;

    private static final class Keys {
        final Map<String, ObjectNode> values = new HashMap<>();
        int dropped;
    }

    /** One output record: {"key":..,"start":..,"end":..,...} or a global window's {"key","updated",...}. */
    public synchronized void add(JsonNode value) {
        if (!(value instanceof ObjectNode o) || !o.hasNonNull("key")) {
            return;
        }
        records++;
        Bounds b = o.has("start") ? new Bounds(o.path("start").asLong(), o.path("end").asLong())
                : new Bounds(Long.MIN_VALUE, Long.MAX_VALUE);
        if (windows.size() >= MAX_WINDOWS && !windows.containsKey(b) && windows.comparator().compare(b, windows.firstKey()) < 0) {
            return; // older than everything kept: a late replay, not what a live view wants
        }
        Keys keys = windows.computeIfAbsent(b, k -> new Keys());
        String key = o.path("key").asText();
        if (o.path("retracted").asBoolean(false)) {
            keys.values.remove(key);
        } else if (keys.values.containsKey(key) || keys.values.size() < MAX_KEYS) {
            keys.values.put(key, o);
        } else {
            keys.dropped++;
        }
        while (windows.size() > MAX_WINDOWS || (windows.size() > 1 && rows() > MAX_ROWS)) {
            windows.pollFirstEntry();
        }
    }

    private int rows() {
        int n = 0;
        for (Keys k : windows.values()) {
            n += k.values.size();
        }
        return n;
    }

    public synchronized void deadLetter(DeadLetter d) {
        deadLetters.addFirst(d);
        while (deadLetters.size() > MAX_DEAD_LETTERS) {
            deadLetters.removeLast();
        }
    }

    /** The latest dead letters, newest first. */
    public synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Output records seen since the tap started. */
    public synchronized long records() {
        return records;
    }

    /**
     * The kept windows, newest last, each with its {@code top} rows by the numeric field
     * {@code by} (largest first; rows without a number last).
     */
    public synchronized List<Window> latest(String by, int top) {
        List<Window> out = new ArrayList<>(windows.size());
        Comparator<Row> order = Comparator.comparingDouble((Row r) -> number(r.value(), by)).reversed()
                .thenComparing(Row::key);
        windows.forEach((b, keys) -> {
            // The best `top` of up to MAX_KEYS rows, without sorting them all each second.
            PriorityQueue<Row> best = new PriorityQueue<>(top + 1, order.reversed());
            keys.values.forEach((k, v) -> {
                best.add(new Row(k, v));
                if (best.size() > top) {
                    best.poll();
                }
            });
            List<Row> rows = new ArrayList<>(best);
            rows.sort(order);
            out.add(new Window(b, keys.values.size() + keys.dropped, keys.dropped, rows));
        });
        return out;
    }

    /** A key's value of {@code field} in a window, or null when the window or key is not kept. */
    public synchronized JsonNode value(Bounds b, String key, String field) {
        Keys keys = windows.get(b);
        ObjectNode v = keys == null ? null : keys.values.get(key);
        return v == null ? null : v.get(field);
    }

    private static double number(ObjectNode v, String field) {
        JsonNode n = field == null ? null : v.get(field);
        return n != null && n.isNumber() ? n.asDouble() : Double.NEGATIVE_INFINITY;
    }
}
