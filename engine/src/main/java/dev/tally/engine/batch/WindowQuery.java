package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.window.SessionMath;
import dev.tally.state.PaneCursor;
import dev.tally.state.PaneStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pull query: the current values of one key's windows, computed from a task's local state (the
 * store holds panes, and {@link WindowAssembly} merges them as the batch core does). Reads the
 * store only, not the hot-pane cache, which belongs to the task's thread: safe on any thread while
 * the job applies batches, and the store is exactly what was committed.
 */
public final class WindowQuery {
    /** The most windows one query may cover: bounds the work (and the answer) of a single request. */
    public static final int MAX_WINDOWS = 1_000;
    /** Up to this many panes, point reads beat a range scan that visits every key of the task. */
    private static final int MAX_POINT_READS = 4_096;

    private final JobPlan plan;

    /** One window of the key: {@code start} is {@link Long#MIN_VALUE} for a global (unwindowed) aggregate. */
    public record Window(long start, long end, Map<String, Object> values) {
    }

    public WindowQuery(JobPlan plan) {
        this.plan = plan;
    }

    /**
     * The key's stored windows overlapping [from, to), oldest first. A global aggregate has one
     * window whatever the range. Without a range ({@code from == Long.MIN_VALUE && to ==
     * Long.MAX_VALUE}) every stored window of the key is returned, newest {@link #MAX_WINDOWS} at
     * most, at the cost of a scan of the task's state.
     *
     * @throws IllegalArgumentException when the range is empty or covers more than {@link #MAX_WINDOWS} windows
     */
    public List<Window> windows(PaneStore store, int task, String key, long from, long to) {
        if (from >= to) {
            throw new IllegalArgumentException("from must be before to");
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return switch (plan.job.window().type()) {
            case TUMBLING, HOPPING -> hopping(store, task, keyBytes, from, to);
            case SESSION -> sessions(store, task, keyBytes, from, to);
            case GLOBAL -> global(store, task, keyBytes);
        };
    }

    private List<Window> hopping(PaneStore store, int task, byte[] key, long from, long to) {
        WindowSpec w = plan.window;
        if (from == Long.MIN_VALUE && to == Long.MAX_VALUE) {
            TreeMap<Long, Accumulator[]> panes = scanKey(store, task, key, Long.MIN_VALUE, Long.MAX_VALUE);
            if (panes.isEmpty()) {
                return List.of();
            }
            long last = w.lastWindowStart(panes.lastKey());
            long first = Math.max(w.firstWindowStart(panes.firstKey()), last - (long) (MAX_WINDOWS - 1) * w.slide);
            return merge(panes, first, last);
        }
        long first = Math.floorDiv(from - w.size, w.slide) * w.slide + w.slide;
        long last = Math.floorDiv(to - 1, w.slide) * w.slide;
        if ((last - first) / w.slide + 1 > MAX_WINDOWS) {
            throw new IllegalArgumentException("the range covers more than " + MAX_WINDOWS + " windows of "
                    + w.slide + " ms; narrow from/to");
        }
        long toPane = last + w.size;
        TreeMap<Long, Accumulator[]> panes;
        if ((toPane - first) / w.paneWidth <= MAX_POINT_READS) {
            panes = new TreeMap<>();
            for (long p = first; p < toPane; p += w.paneWidth) {
                byte[] v = store.get(task, p, key);
                if (v != null) {
                    panes.put(p, plan.decode(v));
                }
            }
        } else {
            panes = scanKey(store, task, key, first, toPane);
        }
        return merge(panes, first, last);
    }

    private TreeMap<Long, Accumulator[]> scanKey(PaneStore store, int task, byte[] key, long fromPane, long toPane) {
        TreeMap<Long, Accumulator[]> panes = new TreeMap<>();
        try (PaneCursor c = store.scan(task, fromPane, toPane)) {
            while (c.next()) {
                if (Arrays.equals(c.key(), key)) {
                    panes.put(c.pane(), plan.decode(c.value()));
                }
            }
        }
        return panes;
    }

    /** Every window starting in [first, last] that holds at least one stored pane. */
    private List<Window> merge(TreeMap<Long, Accumulator[]> panes, long first, long last) {
        long[] anchors = panes.keySet().stream().mapToLong(Long::longValue).toArray();
        WindowAssembly.Panes stored = new WindowAssembly.Panes() {
            @Override
            public Accumulator[] committed(long pane) {
                return panes.get(pane);
            }

            @Override
            public Accumulator[] batch(long pane) {
                return null;
            }
        };
        List<Window> out = new ArrayList<>();
        new WindowAssembly(plan).emit(anchors, anchors.length, first, last, stored, true,
                (start, end, value) -> out.add(new Window(start, end, values(value))));
        return out;
    }

    private List<Window> sessions(PaneStore store, int task, byte[] key, long from, long to) {
        byte[] b = store.get(task, SessionWindowOperator.OPEN, key);
        if (b == null) {
            return List.of();
        }
        KeySessions open = KeySessions.decode(b, plan);
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            SessionMath.Session s = open.bounds.get(i);
            if (s.end() >= from && s.start() < to) {
                out.add(new Window(s.start(), s.end(), values(open.values.get(i))));
            }
        }
        return out;
    }

    private List<Window> global(PaneStore store, int task, byte[] key) {
        byte[] b = store.get(task, GlobalWindowOperator.STATE, key);
        if (b == null) {
            return List.of();
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        long lastUpdate = buf.getLong();
        return List.of(new Window(Long.MIN_VALUE, lastUpdate, values(plan.decodePartial(buf))));
    }

    private Map<String, Object> values(Accumulator[] accs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < accs.length; i++) {
            m.put(plan.functions.get(i).name(), accs[i].result());
        }
        return Collections.unmodifiableMap(m);
    }
}
