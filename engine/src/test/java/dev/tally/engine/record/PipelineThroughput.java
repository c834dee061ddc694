package dev.tally.engine.record;

import dev.tally.config.TimeConfig;
import dev.tally.config.TransformStep;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.apache.commons.jexl3.JexlContext;

/**
 * Measures, single-threaded: JEXL evaluations/s of a typical predicate, and full pipeline
 * records/s for W1 json records and for word-count text lines. Run by hand (not a test):
 * {@code java -cp <engine test classpath> dev.tally.engine.record.PipelineThroughput}.
 * Reports rates per wall-clock second and per second of this thread's CPU time; on a shared
 * machine the second is the one that means something.
 */
public final class PipelineThroughput {
    private static final long RUN_NANOS = 3_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static long blackhole;
    private static long cpuStart;

    private PipelineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        for (int round = 1; round <= 3; round++) {
            System.out.printf("round %d (first is warm-up)%n", round);
            predicate();
            w1();
            wordCount();
        }
        System.out.println("ignore: " + blackhole);
    }

    private static void predicate() throws Exception {
        Expressions.Expression expression = Expressions.compile("bytes > 1000 && page != '/health'", "bench");
        Map<String, Integer> slots = Map.of("bytes", 0, "page", 1);
        Fields fields = new Fields(2);
        fields.setLong(0, 5123);
        fields.set(1, "/p/42");
        JexlContext context = new FieldsContext(slots, fields, false);
        long n = 0;
        cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + RUN_NANOS;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                if (expression.evaluateWithJexl(context) == Boolean.TRUE) {
                    n++;
                }
            }
        }
        report("JEXL predicate evaluations", n, System.nanoTime() - start);
        n = 0;
        cpuStart = THREADS.getCurrentThreadCpuTime();
        start = System.nanoTime();
        end = start + RUN_NANOS;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                if (expression.evaluate(context) == Boolean.TRUE) {
                    n++;
                }
            }
        }
        report("same, simple-predicate fast path", n, System.nanoTime() - start);
    }

    private static void w1() throws Exception {
        RecordPipeline pipeline = Jobs.json().keyField("user").eventTime("ts", TimeConfig.Format.EPOCH_MILLIS).pipeline();
        byte[][] records = new byte[1024][];
        Random random = new Random(1);
        for (int i = 0; i < records.length; i++) {
            records[i] = String.format("{\"user\":\"u%d\",\"page\":\"/p/%d\",\"ts\":%d,\"bytes\":%d}",
                    1000 + random.nextInt(9000), random.nextInt(100), 1700000000000L + i * 7L, random.nextInt(10000))
                    .getBytes(StandardCharsets.UTF_8);
        }
        run("W1 json records", pipeline, records);
    }

    private static void wordCount() throws Exception {
        RecordPipeline pipeline = Jobs.text()
                .step(new TransformStep.Split("line", "\\W+", "word"))
                .step(new TransformStep.Lowercase("word"))
                .step(new TransformStep.Filter("word != ''"))
                .keyField("word").pipeline();
        String[] vocabulary = {"the", "Quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Spark", "kafka",
            "stream", "window", "count", "word", "batch", "Tally"};
        byte[][] lines = new byte[1024][];
        Random random = new Random(2);
        for (int i = 0; i < lines.length; i++) {
            StringBuilder line = new StringBuilder();
            for (int w = 0; w < 10; w++) {
                line.append(w == 0 ? "" : (w % 4 == 0 ? ", " : " ")).append(vocabulary[random.nextInt(vocabulary.length)]);
            }
            lines[i] = line.append('.').toString().getBytes(StandardCharsets.UTF_8);
        }
        run("word-count text lines (10 words)", pipeline, lines);
    }

    private static void run(String what, RecordPipeline pipeline, byte[][] values) throws BadRecordException {
        KeyedEventSink sink = (key, time, inputs) -> blackhole += key.length() + time;
        long n = 0;
        cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + RUN_NANOS;
        while (System.nanoTime() < end) {
            for (byte[] value : values) {
                pipeline.process(null, value, 0L, 1L, sink);
            }
            n += values.length;
        }
        report(what, n, System.nanoTime() - start);
    }

    private static void report(String what, long count, long nanos) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        System.out.printf("  %-36s %,12.0f /s wall  %,12.0f /s cpu  (%.0f cpu ns each)%n",
                what, count * 1e9 / nanos, count * 1e9 / cpu, (double) cpu / count);
    }
}
