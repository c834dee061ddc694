package dev.tally.service.job;

import dev.tally.config.JobConfig;
import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.LocalRepartition;
import dev.tally.engine.batch.RepartitionSource;
import dev.tally.engine.batch.WindowOperator;
import dev.tally.engine.record.BadRecordException;
import dev.tally.engine.record.KeyedEventSink;
import dev.tally.engine.record.RecordPipeline;
import dev.tally.service.metrics.JobMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What one consumed record does to the open batch: decode, pick the task, fold; or, for a bad or
 * late record, the bad-record policy (a dead letter in the batch's transaction, or, with
 * {@code errors: fail}, a stop at that record). Only a {@link BadRecordException} is a bad record:
 * anything else is a bug and fails the job.
 */
final class RecordRouter {
    private static final Logger log = LoggerFactory.getLogger(RecordRouter.class);
    /** A partial late downstream is a bug: tests fail on it, a production job counts and logs it. */
    private static final boolean STRICT = Boolean.getBoolean("tally.strict");

    private final JobConfig job;
    private final JobPlan plan;
    private final RecordPipeline pipeline;
    private final JobMetrics metrics;
    private final String sourceTopic;
    private final RepartitionSource source;
    private final IntFunction<WindowOperator> tasks;
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private final DirectFold direct = new DirectFold();
    private final SourceFold combine = new SourceFold();
    /** Counted per batch, not per record: a meter update per record costs more than folding it. */
    private long sourceRecords;

    RecordRouter(JobConfig job, JobPlan plan, JobMetrics metrics, RepartitionSource source, IntFunction<WindowOperator> tasks) {
        this(job, plan, metrics, source, tasks, java.util.Map.of());
    }

    /** {@code tables}: the job's lookup tables by name (empty for a job without lookups). */
    RecordRouter(JobConfig job, JobPlan plan, JobMetrics metrics, RepartitionSource source, IntFunction<WindowOperator> tasks,
                 java.util.Map<String, dev.tally.engine.record.TableView> tables) {
        this.job = job;
        this.plan = plan;
        this.pipeline = RecordPipeline.compile(job, tables);
        this.metrics = metrics;
        this.sourceTopic = job.source().topic();
        this.source = source;
        this.tasks = tasks;
    }

    /** The event sink of records keyed by the record key: they fold into their partition's task. */
    private static final class DirectFold implements KeyedEventSink {
        WindowOperator task;
        long wallNow;
        boolean late;

        @Override
        public void accept(String key, long eventTime, Object[] inputs) {
            if (!task.fold(key, eventTime, inputs, wallNow)) {
                late = true;
            }
        }
    }

    /** The event sink of a repartitioning job: judged against the source partition, then combined. */
    private final class SourceFold implements KeyedEventSink {
        int partition;
        long wallNow;
        boolean late;

        @Override
        public void accept(String key, long eventTime, Object[] inputs) {
            if (!source.add(partition, key, eventTime, inputs, wallNow)) {
                late = true;
            }
        }
    }

    void route(ConsumerRecord<byte[], byte[]> r, long batchTime) {
        if (!r.topic().equals(sourceTopic)) {
            mergePartials(r, batchTime);
            return;
        }
        sourceRecords++;
        try {
            if (source != null) {
                combine.partition = r.partition();
                combine.wallNow = batchTime;
                combine.late = false;
                pipeline.process(r.key(), r.value(), r.timestamp(), batchTime, combine);
                if (combine.late) {
                    late(r, "every window of the record's time has closed (watermark of source partition "
                            + r.partition() + ": " + source.time().watermark(r.partition()) + ")");
                }
            } else {
                direct.task = tasks.apply(r.partition());
                direct.wallNow = batchTime;
                direct.late = false;
                pipeline.process(r.key(), r.value(), r.timestamp(), batchTime, direct);
                if (direct.late) {
                    late(r, "every window of the record's time has closed (watermark " + direct.task.watermark() + ")");
                }
            }
        } catch (BadRecordException e) {
            badRecord(r, e.reason(), e.getMessage());
        } catch (dev.tally.engine.window.TimeOutOfRangeException e) {
            badRecord(r, BadRecordException.Reason.BAD_TIME, e.getMessage());
        }
    }

    /** A packed repartition record: partials merge into the task; watermark entries move its time. */
    private void mergePartials(ConsumerRecord<byte[], byte[]> r, long batchTime) {
        WindowOperator task = tasks.apply(r.partition());
        RepartitionRecords.unpack(r.value(), new RepartitionRecords.EntrySink() {
            @Override
            public void entry(byte[] key, long pane, long time, ByteBuffer partial) {
                Accumulator[] acc = plan.decodePartial(partial.duplicate());
                String k = new String(key, StandardCharsets.UTF_8);
                if (!task.mergePartial(k, pane, time, acc, batchTime)) {
                    latePartial(new LocalRepartition.LatePartialException(k, pane, time, task.watermark()));
                }
            }

            @Override
            public void watermark(int sourcePartition, long watermark) {
                task.inputWatermark(sourcePartition, watermark);
            }
        });
    }

    /** Lateness is judged at the source, so this is a bug: never a dead letter with an internal payload. */
    private void latePartial(LocalRepartition.LatePartialException e) {
        if (STRICT) {
            throw e;
        }
        metrics.latePartials.increment();
        log.error("job {}: {}", job.name(), e.getMessage());
    }

    private void late(ConsumerRecord<byte[], byte[]> r, String message) {
        metrics.recordsLate.increment();
        badRecord(r, BadRecordException.Reason.LATE, message);
    }

    private void badRecord(ConsumerRecord<byte[], byte[]> r, BadRecordException.Reason reason, String message) {
        if (job.errors() == JobConfig.ErrorPolicy.FAIL) {
            throw new BadRecordStop(r, reason, message);
        }
        metrics.recordsDeadLettered.increment();
        deadLetters.add(DeadLetters.of(job.deadLetterTopic(), job.name(), r, reason, message));
    }

    /** The dead letters of the open batch, sent in its transaction. */
    List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return deadLetters;
    }

    /** Source records routed since the last call. */
    long takeSourceRecords() {
        long n = sourceRecords;
        sourceRecords = 0;
        return n;
    }

    /** The batch was committed or dropped. */
    void clear() {
        deadLetters.clear();
    }

    /** errors: fail met a bad record. */
    static final class BadRecordStop extends RuntimeException {
        final ConsumerRecord<byte[], byte[]> record;
        final BadRecordException.Reason reason;

        BadRecordStop(ConsumerRecord<byte[], byte[]> record, BadRecordException.Reason reason, String message) {
            super(message, null, false, false);
            this.record = record;
            this.reason = reason;
        }
    }
}
