package dev.tally.chaos;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The input of a chaos run, a pure function of its settings: JSON events keyed by user whose event
 * time grows with a global sequence number, each up to {@link #DISORDER_MS} early, so a partition
 * sees its events out of order by at most that much. The jobs' grace is twice the disorder: no
 * record is late under its own partition's watermark, while partitions run apart by whatever the
 * faults make of them. Every {@code malformedEvery}-th record is not JSON and must reach the dead-letter
 * topic exactly once.
 */
final class Workload {
    static final String FLUSH_PREFIX = "__flush-";
    static final String SENTINEL_KEY = "__sentinel";
    /** 2026-01-01T00:00:00Z: event times are fixed, so a run is reproducible from its seed. */
    static final long BASE_TIME = 1_767_225_600_000L;
    /** How far an event's time may be behind the one before it in its partition. */
    static final long DISORDER_MS = 1_000;

    private final ChaosSettings settings;
    private final SplittableRandom random;

    Workload(ChaosSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    /** One input record; {@code seq} counts from 1. */
    record Event(long seq, String user, long time, boolean malformed) {
        byte[] key() {
            return user.getBytes(StandardCharsets.UTF_8);
        }

        byte[] value() {
            String json = "{\"user\":\"" + user + "\",\"ts\":" + time + ",\"seq\":" + seq + "}";
            if (malformed) {
                // Cut short: the JSON decoder must reject it, so it goes to the dead-letter topic.
                json = json.substring(0, json.length() / 2);
            }
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Events in order; call exactly {@code settings.records()} times. */
    Event next(long seq) {
        String user = "u" + random.nextInt(settings.users());
        long time = BASE_TIME + seq * settings.stepMs() - random.nextLong(DISORDER_MS + 1);
        boolean malformed = settings.malformedEvery() > 0 && seq % settings.malformedEvery() == 0;
        return new Event(seq, user, time, malformed);
    }

    /** Far in event time, so every window of every task closes. */
    long flushTime() {
        return BASE_TIME + (settings.records() + 1) * settings.stepMs() + 30L * 24 * 3_600_000L;
    }

    /**
     * A flush key that the default partitioner sends to {@code partition}: the repartitioning job
     * routes by the key, so each of its tasks must receive one flush record of its own.
     */
    static String flushKey(int partition, int partitions) {
        for (int i = 0; ; i++) {
            String key = FLUSH_PREFIX + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return key;
            }
        }
    }

    static byte[] flushValue(String key, long time) {
        return ("{\"user\":\"" + key + "\",\"ts\":" + time + ",\"seq\":0}").getBytes(StandardCharsets.UTF_8);
    }

    static boolean isHarnessKey(String key) {
        return key.startsWith(FLUSH_PREFIX) || key.equals(SENTINEL_KEY);
    }
}
