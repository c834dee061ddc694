package dev.tally.engine.record;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.KeyConfig;
import dev.tally.config.SourceConfig;
import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds jobs and runs records through their pipelines for the tests. */
final class Jobs {
    static final AggregateConfig COUNT = new AggregateConfig("n", AggregateConfig.Type.COUNT, null, null, 0);

    private SourceConfig source = new SourceConfig("in", SourceConfig.Format.JSON, List.of(), ',');
    private final List<TransformStep> steps = new ArrayList<>();
    private KeyConfig key = new KeyConfig("k", null, false);
    private TimeConfig time = null;
    private final List<AggregateConfig> aggregates = new ArrayList<>(List.of(COUNT));

    static Jobs json() {
        return new Jobs();
    }

    static Jobs text() {
        Jobs jobs = new Jobs();
        jobs.source = new SourceConfig("in", SourceConfig.Format.TEXT, List.of(), ',');
        return jobs;
    }

    static Jobs csv(char delimiter, String... columns) {
        Jobs jobs = new Jobs();
        jobs.source = new SourceConfig("in", SourceConfig.Format.CSV, List.of(columns), delimiter);
        return jobs;
    }

    Jobs step(TransformStep step) {
        steps.add(step);
        return this;
    }

    Jobs keyField(String field) {
        key = new KeyConfig(field, null, false);
        return this;
    }

    Jobs keyExpression(String expression) {
        key = new KeyConfig(null, expression, false);
        return this;
    }

    Jobs recordKey() {
        key = new KeyConfig(null, null, true);
        return this;
    }

    Jobs eventTime(String field, TimeConfig.Format format) {
        time = new TimeConfig(TimeConfig.Type.EVENT, field, format, null, null);
        return this;
    }

    Jobs time(TimeConfig.Type type) {
        time = new TimeConfig(type, null, null, null, null);
        return this;
    }

    Jobs aggregates(AggregateConfig... configs) {
        aggregates.clear();
        aggregates.addAll(Arrays.asList(configs));
        return this;
    }

    static AggregateConfig agg(AggregateConfig.Type type, String field) {
        return new AggregateConfig(type.name().toLowerCase(), type, field, null, 0);
    }

    JobConfig job() {
        return new JobConfig("test", source, steps, key, time, null, aggregates,
                JobConfig.EmitMode.CHANGES, null, null, null, JobConfig.ErrorPolicy.DEAD_LETTER, 0);
    }

    RecordPipeline pipeline() {
        return RecordPipeline.compile(job());
    }

    /** Runs one value (UTF-8) with no Kafka key, log-append time 111 and processing time 222. */
    List<Event> run(String value) throws BadRecordException {
        return run(pipeline(), null, value);
    }

    BadRecordException.Reason failure(String value) {
        return assertThrows(BadRecordException.class, () -> run(value)).reason();
    }

    static List<Event> run(RecordPipeline pipeline, String kafkaKey, String value) throws BadRecordException {
        List<Event> events = new ArrayList<>();
        pipeline.process(kafkaKey == null ? null : kafkaKey.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), 111L, 222L,
                (k, t, inputs) -> events.add(new Event(k, t, Arrays.asList(inputs.clone()))));
        return events;
    }

    /** One emitted event; inputs copied, as a real sink must. */
    record Event(String key, long time, List<Object> inputs) { }
}
