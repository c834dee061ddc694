package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.window.SessionMath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The sessions of one key, sorted by start, each with its accumulators: a batch's mini-sessions in
 * the batch cache and the combiner, and a key's open sessions in the store (one entry per key).
 */
final class KeySessions {
    final List<SessionMath.Session> bounds = new ArrayList<>(2);
    final List<Accumulator[]> values = new ArrayList<>(2);

    /** Folds one event in, bridging sessions it connects. */
    void add(long time, Object[] inputs, long gap, JobPlan plan) {
        int i = insert(SessionMath.merge(bounds, time, gap), plan.newAccumulators());
        Accumulator[] acc = values.get(i);
        for (int a = 0; a < acc.length; a++) {
            acc[a].add(inputs[a], time);
        }
    }

    /**
     * Merges a run of events already known to be one session; returns the sessions it replaced
     * (so a caller can retract them), the result being at the returned merge's first index.
     */
    SessionMath.Merge addInterval(long start, long end, Accumulator[] value, long gap) {
        SessionMath.Merge m = SessionMath.mergeInterval(bounds, start, end, gap);
        int i = insert(m, null);
        if (values.get(i) == null) {
            values.set(i, value);
        } else {
            JobPlan.mergeInto(values.get(i), value);
        }
        return m;
    }

    /** Replaces the sessions a merge covers by one; returns its index. */
    private int insert(SessionMath.Merge m, Accumulator[] fresh) {
        if (m.isNew()) {
            bounds.add(m.first(), new SessionMath.Session(m.start(), m.end()));
            values.add(m.first(), fresh);
            return m.first();
        }
        Accumulator[] merged = values.get(m.first());
        for (int i = m.first() + 1; i < m.last(); i++) {
            JobPlan.mergeInto(merged, values.get(i));
        }
        for (int i = m.last() - 1; i > m.first(); i--) {
            bounds.remove(i);
            values.remove(i);
        }
        bounds.set(m.first(), new SessionMath.Session(m.start(), m.end()));
        return m.first();
    }

    int size() {
        return bounds.size();
    }

    void remove(int i) {
        bounds.remove(i);
        values.remove(i);
    }

    byte[] encode(JobPlan plan) {
        List<byte[]> encoded = new ArrayList<>(values.size());
        int total = 4;
        for (Accumulator[] v : values) {
            byte[] b = plan.encode(v);
            encoded.add(b);
            total += 20 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total).putInt(bounds.size());
        for (int i = 0; i < bounds.size(); i++) {
            buf.putLong(bounds.get(i).start()).putLong(bounds.get(i).end()).putInt(encoded.get(i).length).put(encoded.get(i));
        }
        return buf.array();
    }

    static KeySessions decode(byte[] bytes, JobPlan plan) {
        KeySessions s = new KeySessions();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int n = buf.getInt();
        for (int i = 0; i < n; i++) {
            long start = buf.getLong();
            long end = buf.getLong();
            int len = buf.getInt();
            byte[] b = new byte[len];
            buf.get(b);
            s.bounds.add(new SessionMath.Session(start, end));
            s.values.add(plan.decode(b));
        }
        return s;
    }
}
