package dev.tally.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The byte layout of stored keys, shared by both store implementations so that they order
 * entries identically: {@code [task: int, 4 bytes BE][pane: long, 8 bytes BE, sign bit flipped][key bytes]}.
 *
 * <p>Flipping the sign bit makes unsigned byte order (RocksDB's default comparator) agree with
 * signed time order, so negative panes sort first. Tasks are partition numbers and must be
 * non-negative: that keeps {@code task + 1} a valid exclusive upper bound for the whole task.
 * Checkpoints use a separate key space (their own column family or map) keyed by the 4-byte task.
 *
 * <p>What the pane slot holds, per window operator (the store itself is agnostic; this is the one
 * place the conventions are written down):
 * <ul>
 *   <li><b>Tumbling and hopping</b>: the pane's start (event-time millis, a multiple of
 *       gcd(size, slide)); the value is the pane's encoded accumulators. Expiry is one
 *       {@code deletePanesBefore(first open window start)} per batch.</li>
 *   <li><b>Session</b>: slot {@code Long.MAX_VALUE} ({@code SessionWindowOperator.OPEN}) holds the key's
 *       open sessions in one value; a <em>closing marker</em> with an empty value sits at slot
 *       {@code session end + gap} (when the session closes), so closing is a range scan of the markers
 *       up to the watermark, and bulk expiry below the watermark never reaches the MAX slot.</li>
 *   <li><b>Global</b>: slot {@code Long.MAX_VALUE} ({@code GlobalWindowOperator.STATE}) holds
 *       {@code [last update: long][accumulators]}; with an idle timeout an <em>expiry marker</em> with an
 *       empty value sits at slot {@code last event time + timeout}, found by a range scan when the
 *       watermark passes it (the changelog gets a tombstone for every marker and state it drops).</li>
 *   <li><b>Task clock</b> (stream time, emitted watermark, per-source watermarks): not a slot; it travels
 *       in the checkpoint here and as the task's metadata record in the changelog.</li>
 * </ul>
 * Every value written to a slot goes through the engine's change-logging writes, so the changelog
 * holds the same (pane, key) with the task as its partition (the service's {@code InternalRecords}
 * frames it as {@code [type byte][pane: long BE][key]}; the clock record's key is one type byte).
 */
final class PaneKeyLayout {
    static final int TASK_BYTES = 4;
    static final int PREFIX_BYTES = TASK_BYTES + Long.BYTES;
    static final int CHECKPOINT_OFFSET_BYTES = Long.BYTES;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private PaneKeyLayout() {
    }

    static int checkTask(int task) {
        if (task < 0) {
            throw new IllegalArgumentException("task must be >= 0 (a partition number), was " + task);
        }
        return task;
    }

    /** The full stored key of (task, pane, key). */
    static byte[] key(int task, long pane, byte[] key) {
        byte[] out = new byte[PREFIX_BYTES + key.length];
        write(out, task, pane, key);
        return out;
    }

    /** Writes the full key into {@code dst} from index 0 and returns its length; {@code dst} must be large enough. */
    static int write(byte[] dst, int task, long pane, byte[] key) {
        INT_BE.set(dst, 0, checkTask(task));
        LONG_BE.set(dst, TASK_BYTES, pane ^ Long.MIN_VALUE);
        System.arraycopy(key, 0, dst, PREFIX_BYTES, key.length);
        return PREFIX_BYTES + key.length;
    }

    /** Writes the full key at the buffer's position (relative, big-endian buffer). */
    static void write(ByteBuffer dst, int task, long pane, byte[] key) {
        dst.putInt(checkTask(task)).putLong(pane ^ Long.MIN_VALUE).put(key);
    }

    /**
     * The 12-byte prefix of (task, pane): sorts before every key of that pane and after every key of
     * earlier panes, so it is both an inclusive seek target and an exclusive upper bound.
     */
    static byte[] paneStart(int task, long pane) {
        return key(task, pane, new byte[0]);
    }

    /** Sorts before every key of the task. */
    static byte[] taskStart(int task) {
        return paneStart(task, Long.MIN_VALUE);
    }

    /** Sorts after every key of the task and before every key of the next task. */
    static byte[] taskEnd(int task) {
        byte[] out = new byte[TASK_BYTES];
        INT_BE.set(out, 0, checkTask(task) + 1);
        return out;
    }

    static int task(byte[] fullKey) {
        return (int) INT_BE.get(fullKey, 0);
    }

    static long pane(byte[] fullKey) {
        return (long) LONG_BE.get(fullKey, TASK_BYTES) ^ Long.MIN_VALUE;
    }

    /** The pane of a full key held in a buffer from index 0 (absolute read, big-endian buffer). */
    static long pane(ByteBuffer fullKey) {
        return fullKey.getLong(TASK_BYTES) ^ Long.MIN_VALUE;
    }

    /** A copy of the caller's key bytes of a full key. */
    static byte[] userKey(byte[] fullKey) {
        return Arrays.copyOfRange(fullKey, PREFIX_BYTES, fullKey.length);
    }

    /** A copy of the caller's key bytes of a full key of {@code length} bytes held in a buffer from index 0. */
    static byte[] userKey(ByteBuffer fullKey, int length) {
        byte[] out = new byte[length - PREFIX_BYTES];
        fullKey.get(PREFIX_BYTES, out, 0, out.length);
        return out;
    }

    static byte[] checkpointKey(int task) {
        byte[] out = new byte[TASK_BYTES];
        INT_BE.set(out, 0, checkTask(task));
        return out;
    }

    /** {@code [changelogOffset: long BE][meta bytes]}. */
    static byte[] encodeCheckpoint(TaskCheckpoint checkpoint) {
        byte[] meta = checkpoint.meta();
        byte[] out = new byte[CHECKPOINT_OFFSET_BYTES + meta.length];
        LONG_BE.set(out, 0, checkpoint.changelogOffset());
        System.arraycopy(meta, 0, out, CHECKPOINT_OFFSET_BYTES, meta.length);
        return out;
    }

    static TaskCheckpoint decodeCheckpoint(byte[] stored) {
        if (stored.length < CHECKPOINT_OFFSET_BYTES) {
            throw new StateStoreException("corrupt checkpoint record of " + stored.length + " bytes");
        }
        return new TaskCheckpoint((long) LONG_BE.get(stored, 0),
                Arrays.copyOfRange(stored, CHECKPOINT_OFFSET_BYTES, stored.length));
    }
}
