package dev.tally.engine.window;

import java.util.List;

/**
 * Pure arithmetic of session windows.
 *
 * <p>A session {@code [start, end]} records the times of its first and last event; it covers
 * {@code [start, end + gap)}. An event at time t joins every session whose cover overlaps the event's
 * own cover {@code [t, t + gap)}, i.e. {@code start - gap < t < end + gap}; when it joins two, it bridges
 * them into one. The bounds are exclusive: an event exactly {@code gap} after a session's last event (or
 * exactly {@code gap} before its first) starts a new session, so "a gap of 30 s" means two events 30 s
 * apart are in different sessions. (Flink merges touching windows, Kafka Streams treats the gap as
 * inclusive; we keep the half-open convention every other window in Tally uses.)
 */
public final class SessionMath {

    private SessionMath() {
    }

    /** A session: the times of its first and last event ({@code start <= end}). */
    public record Session(long start, long end) {
        public Session {
            if (start > end) {
                throw new IllegalArgumentException("session start " + start + " is after its end " + end);
            }
        }
    }

    /**
     * What a new event does to a key's sessions.
     *
     * @param first index of the first existing session it merges with
     * @param last  index after the last one ({@code first == last}: it starts a new session, to be
     *              inserted at index {@code first})
     * @param start the resulting session's start
     * @param end   the resulting session's end (last event time)
     */
    public record Merge(int first, int last, long start, long end) {

        /** Whether the event starts a session of its own. */
        public boolean isNew() {
            return first == last;
        }

        /** How many existing sessions it replaces (0, 1, or more when it bridges). */
        public int mergedCount() {
            return last - first;
        }
    }

    /**
     * Where an event at {@code time} lands among a key's sessions.
     *
     * @param sessions the key's sessions sorted by start; they never overlap (any two are more than a gap apart)
     * @param gap      the inactivity gap in millis, positive
     */
    public static Merge merge(List<Session> sessions, long time, long gap) {
        if (gap <= 0) {
            throw new IllegalArgumentException("session gap must be positive, got " + gap);
        }
        int first = firstEndingAfter(sessions, time, gap);
        int last = firstStartingFrom(sessions, time, gap);
        if (first >= last) {
            return new Merge(first, first, time, time);
        }
        long start = Math.min(time, sessions.get(first).start());
        long end = Math.max(time, sessions.get(last - 1).end());
        return new Merge(first, last, start, end);
    }

    /**
     * Where a run of events spanning {@code [start, end]} (already one session by itself: a batch's
     * mini-session, or a partial from upstream) lands among a key's sessions: it joins every session
     * whose cover overlaps its own cover {@code [start, end + gap)}.
     */
    public static Merge mergeInterval(List<Session> sessions, long start, long end, long gap) {
        if (gap <= 0) {
            throw new IllegalArgumentException("session gap must be positive, got " + gap);
        }
        int first = firstEndingAfter(sessions, start, gap);
        int last = firstStartingFrom(sessions, end, gap);
        if (first >= last) {
            return new Merge(first, first, start, end);
        }
        return new Merge(first, last, Math.min(start, sessions.get(first).start()),
                Math.max(end, sessions.get(last - 1).end()));
    }

    /** The end (exclusive) of the time a session covers: {@code end + gap}, saturating at {@code Long.MAX_VALUE}. */
    public static long coverEnd(long sessionEnd, long gap) {
        return sessionEnd > Long.MAX_VALUE - gap ? Long.MAX_VALUE : sessionEnd + gap;
    }

    /** Whether a session is closed: no later event can join it once the watermark reaches {@code end + gap}. */
    public static boolean isClosed(long sessionEnd, long gap, long watermark) {
        return sessionEnd <= Long.MAX_VALUE - gap && watermark >= sessionEnd + gap;
    }

    /** The first index whose session ends after {@code time - gap} (its cover reaches past time). */
    private static int firstEndingAfter(List<Session> sessions, long time, long gap) {
        int lo = 0;
        int hi = sessions.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (endPlusGapExceeds(sessions.get(mid).end(), gap, time)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The first index whose session starts at or after {@code time + gap} (out of the event's reach). */
    private static int firstStartingFrom(List<Session> sessions, long time, long gap) {
        int lo = 0;
        int hi = sessions.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (endPlusGapExceeds(time, gap, sessions.get(mid).start())) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@code a + gap > b}, exactly, without overflow. */
    private static boolean endPlusGapExceeds(long a, long gap, long b) {
        return b < Long.MIN_VALUE + gap || a > b - gap;
    }
}
