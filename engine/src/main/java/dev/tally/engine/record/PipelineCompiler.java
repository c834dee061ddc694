package dev.tally.engine.record;

import dev.tally.config.AggregateConfig;
import dev.tally.config.JobConfig;
import dev.tally.config.KeyConfig;
import dev.tally.config.SourceConfig;
import dev.tally.config.TableConfig;
import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import dev.tally.engine.record.Expressions.Expression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link CompiledPipeline} from a job: compiles its expressions, gives each field name a
 * slot, works out which fields must come from the record (read before any step writes them) so the
 * decoder skips the rest, and links the steps.
 */
final class PipelineCompiler {
    private static final TimeConfig PROCESSING_TIME = new TimeConfig(TimeConfig.Type.PROCESSING, null, null, null, null);

    private final JobConfig job;
    private final Map<String, TableView> tables;
    private final Map<String, Integer> slots = new LinkedHashMap<>();
    private final Set<String> sourceFields = new LinkedHashSet<>();
    private final Set<String> written = new HashSet<>();
    private final Map<Integer, Expression> stepExpressions = new HashMap<>();

    private PipelineCompiler(JobConfig job, Map<String, TableView> tables) {
        this.job = job;
        this.tables = tables;
    }

    /** @throws IllegalArgumentException when the job cannot run: a bad expression, key or time setting, or an unknown field */
    static RecordPipeline compile(JobConfig job, Map<String, TableView> tables) {
        if (job == null || job.source() == null || job.source().format() == null) {
            throw new IllegalArgumentException("a job needs a source with a format");
        }
        return new PipelineCompiler(job, tables).build();
    }

    private RecordPipeline build() {
        List<TransformStep> steps = job.transform();
        for (int i = 0; i < steps.size(); i++) {
            declare(steps.get(i), i);
        }
        KeyConfig keyConfig = job.key();
        Emit.KeySource keySource = keySource(keyConfig);
        TimeConfig time = job.time() != null ? job.time() : PROCESSING_TIME;
        int timeSlot = -1;
        if (time.type() == TimeConfig.Type.EVENT) {
            if (time.field() == null) {
                throw new IllegalArgumentException("time: event time needs a field");
            }
            timeSlot = read(time.field());
        }
        List<AggregateConfig> aggregates = job.aggregates();
        int[] inputSlots = new int[aggregates.size()];
        String[] numericNames = new String[aggregates.size()];
        for (int i = 0; i < inputSlots.length; i++) {
            AggregateConfig aggregate = aggregates.get(i);
            boolean counts = aggregate.type() == AggregateConfig.Type.COUNT || aggregate.field() == null;
            inputSlots[i] = counts ? -1 : read(aggregate.field());
            numericNames[i] = switch (aggregate.type()) {
                case SUM, MIN, MAX, AVG, QUANTILES -> aggregate.name();
                default -> null;
            };
        }

        Fields fields = new Fields(slots.size());
        boolean csv = job.source().format() == SourceConfig.Format.CSV;
        FieldsContext context = new FieldsContext(slots, fields, csv);
        Object[] inputs = new Object[inputSlots.length];
        Emit emit = new Emit(keySource, context, time, timeSlot, inputSlots, numericNames, inputs);
        Step head = link(steps, context, emit);
        boolean splits = steps.stream().anyMatch(s -> s instanceof TransformStep.Split);
        EventBuffer buffer = splits ? new EventBuffer(inputs.length) : null;
        return new CompiledPipeline(decoder(), fields, head, emit, buffer, inputs);
    }

    private void declare(TransformStep step, int index) {
        String where = "transform[" + index + "]";
        if (step instanceof TransformStep.Split) {
            TransformStep.Split split = (TransformStep.Split) step;
            read(required(split.field(), where + ".field"));
            required(split.pattern(), where + ".pattern");
            write(required(split.as(), where + ".as"));
        } else if (step instanceof TransformStep.Lowercase) {
            read(required(((TransformStep.Lowercase) step).field(), where + ".field"));
        } else if (step instanceof TransformStep.Filter) {
            readAll(compileFor(index, ((TransformStep.Filter) step).expression(), where));
        } else if (step instanceof TransformStep.Compute) {
            TransformStep.Compute compute = (TransformStep.Compute) step;
            readAll(compileFor(index, compute.expression(), where));
            write(required(compute.field(), where + ".field"));
        } else if (step instanceof TransformStep.Lookup lookup) {
            TableView table = tables.get(lookup.table());
            if (table == null) {
                throw new IllegalArgumentException(where + ": no table named " + lookup.table() + " was given to the job");
            }
            read(required(lookup.key(), where + ".key"));
            for (Map.Entry<String, String> f : lookup.fields().entrySet()) {
                if (!table.fields().contains(f.getValue())) {
                    throw new IllegalArgumentException(where + ": table " + lookup.table() + " holds no field " + f.getValue());
                }
                write(f.getKey());
            }
        } else {
            throw new IllegalArgumentException(where + ": unsupported step " + step);
        }
    }

    private Expression compileFor(int index, String text, String where) {
        Expression expression = Expressions.compile(text, where);
        stepExpressions.put(index, expression);
        return expression;
    }

    private Emit.KeySource keySource(KeyConfig key) {
        int set = key == null ? 0 : (key.field() != null ? 1 : 0) + (key.expression() != null ? 1 : 0) + (key.recordKey() ? 1 : 0);
        if (set != 1) {
            throw new IllegalArgumentException("key: set exactly one of field, expression or record-key");
        }
        if (key.field() != null) {
            return Emit.KeySource.field(read(key.field()), key.field());
        }
        if (key.expression() != null) {
            Expression expression = Expressions.compile(key.expression(), "key.expression");
            readAll(expression);
            return Emit.KeySource.expression(expression);
        }
        return Emit.KeySource.recordKey();
    }

    private Step link(List<TransformStep> steps, FieldsContext context, Emit emit) {
        Step next = emit;
        for (int i = steps.size() - 1; i >= 0; i--) {
            TransformStep config = steps.get(i);
            Step step;
            if (config instanceof TransformStep.Split) {
                TransformStep.Split split = (TransformStep.Split) config;
                step = new Step.Split(slots.get(split.field()), slots.get(split.as()), split.pattern(),
                        writtenAfter(steps, i), slots.size());
            } else if (config instanceof TransformStep.Lowercase) {
                step = new Step.Lowercase(slots.get(((TransformStep.Lowercase) config).field()));
            } else if (config instanceof TransformStep.Filter) {
                step = new Step.Filter(stepExpressions.get(i), context);
            } else if (config instanceof TransformStep.Lookup lookup) {
                step = lookupStep(lookup, emit);
            } else {
                step = new Step.Compute(slots.get(((TransformStep.Compute) config).field()), stepExpressions.get(i), context);
            }
            step.then(next);
            next = step;
        }
        return next;
    }

    private Step lookupStep(TransformStep.Lookup lookup, Emit emit) {
        TableView table = tables.get(lookup.table());
        int[] outSlots = new int[lookup.fields().size()];
        int[] rowIndexes = new int[outSlots.length];
        int i = 0;
        for (Map.Entry<String, String> f : lookup.fields().entrySet()) {
            outSlots[i] = slots.get(f.getKey());
            rowIndexes[i++] = table.fields().indexOf(f.getValue());
        }
        TableConfig config = job.tables().get(lookup.table());
        boolean latest = config != null && config.asOf() == TableConfig.AsOf.LATEST;
        return new LookupStep(lookup.table(), table, slots.get(lookup.key()), lookup.key(), outSlots, rowIndexes,
                lookup.missing(), latest, emit);
    }

    /** Slots the steps after {@code index} overwrite: what a split must restore before each token. */
    private int[] writtenAfter(List<TransformStep> steps, int index) {
        Set<Integer> after = new LinkedHashSet<>();
        for (TransformStep step : steps.subList(index + 1, steps.size())) {
            if (step instanceof TransformStep.Split) {
                after.add(slots.get(((TransformStep.Split) step).as()));
            } else if (step instanceof TransformStep.Lowercase) {
                after.add(slots.get(((TransformStep.Lowercase) step).field()));
            } else if (step instanceof TransformStep.Compute) {
                after.add(slots.get(((TransformStep.Compute) step).field()));
            } else if (step instanceof TransformStep.Lookup lookup) {
                lookup.fields().keySet().forEach(out -> after.add(slots.get(out)));
            }
        }
        return after.stream().mapToInt(Integer::intValue).toArray();
    }

    private Decoder decoder() {
        SourceConfig source = job.source();
        switch (source.format()) {
            case TEXT:
                for (String field : sourceFields) {
                    if (!field.equals(TextDecoder.LINE)) {
                        throw new IllegalArgumentException("field '" + field + "' is never set: text records have only the field 'line'");
                    }
                }
                return new TextDecoder(sourceFields.contains(TextDecoder.LINE) ? slots.get(TextDecoder.LINE) : -1);
            case CSV:
                return csvDecoder(source);
            default:
                Map<String, Integer> paths = new LinkedHashMap<>();
                sourceFields.forEach(field -> paths.put(field, slots.get(field)));
                return new JsonDecoder(paths);
        }
    }

    private Decoder csvDecoder(SourceConfig source) {
        List<String> columns = new ArrayList<>(source.csvColumns());
        if (columns.isEmpty()) {
            int count = 0;
            for (String field : sourceFields) {
                if (!field.matches("c(0|[1-9][0-9]{0,5})")) {
                    throw new IllegalArgumentException("field '" + field + "' is never set: csv columns without names are c0, c1, ...");
                }
                count = Math.max(count, Integer.parseInt(field.substring(1)) + 1);
            }
            for (int i = 0; i < count; i++) {
                columns.add("c" + i);
            }
        }
        for (String field : sourceFields) {
            if (!columns.contains(field)) {
                throw new IllegalArgumentException("field '" + field + "' is never set: it is not one of the csv columns " + columns);
            }
        }
        int[] columnSlots = new int[columns.size()];
        for (int i = 0; i < columnSlots.length; i++) {
            columnSlots[i] = sourceFields.contains(columns.get(i)) ? slots.get(columns.get(i)) : -1;
        }
        char delimiter = source.csvDelimiter() == '\0' ? ',' : source.csvDelimiter();
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("csv delimiter cannot be a quote or a line break");
        }
        return new CsvDecoder(columnSlots, delimiter);
    }

    private void readAll(Expression expression) {
        expression.variables().forEach(this::read);
    }

    private int read(String name) {
        if (!written.contains(name)) {
            sourceFields.add(name);
        }
        return slot(name);
    }

    private void write(String name) {
        written.add(name);
        slot(name);
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, n -> slots.size());
    }

    private static String required(String value, String where) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(where + " is required");
        }
        return value;
    }
}
