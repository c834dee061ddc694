package dev.tally.engine.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The repartition topic without Kafka ({@code tally test}, engine tests): partials go to the task
 * that owns their key, watermarks to every task, in the order they were sent, exactly as the
 * repartition topic delivers them to the service's tasks.
 */
public final class LocalRepartition implements RepartitionSource.Sink {
    private final JobPlan plan;
    private final List<WindowOperator> tasks;

    public LocalRepartition(JobPlan plan, List<WindowOperator> tasks) {
        this.plan = plan;
        this.tasks = tasks;
    }

    @Override
    public void partial(byte[] key, long start, long maxEventTime, byte[] encodedPartial) {
        WindowOperator task = tasks.get(Math.floorMod(Arrays.hashCode(key), tasks.size()));
        String k = new String(key, StandardCharsets.UTF_8);
        if (!task.mergePartial(k, start, maxEventTime, plan.decodePartial(ByteBuffer.wrap(encodedPartial)), maxEventTime)) {
            throw new LatePartialException(k, start, maxEventTime, task.watermark());
        }
    }

    @Override
    public void watermark(int sourcePartition, long watermark) {
        for (WindowOperator t : tasks) {
            t.inputWatermark(sourcePartition, watermark);
        }
    }

    /**
     * A partial found its windows closed downstream. Lateness is judged at the source against the
     * partition's own watermark and the downstream time is the minimum of those, so this is a bug,
     * never bad input: it must be loud, and it is never a dead letter.
     */
    public static final class LatePartialException extends IllegalStateException {
        public LatePartialException(String key, long start, long maxEventTime, long watermark) {
            super("internal error: a partial aggregate of key '" + key + "' (pane " + start + ", latest event "
                    + maxEventTime + ") reached a repartition task whose windows had closed (watermark "
                    + watermark + "); lateness is judged at the source, so this must never happen");
        }
    }
}
