package dev.tally.bench;

import java.io.IOException;
import java.util.function.Function;

/**
 * W1's extra baselines, each a stateless child JVM: they have no version of the other workloads
 * and no output latency or restart to measure.
 * <ul>
 *   <li>{@link #handWritten()}: W1 on the Kafka clients alone ({@link HandWrittenMain}): the same
 *       output records exactly-once, no state store, no changelog.</li>
 *   <li>{@link #writeOnly()}: W1's output alone, written exactly-once, reading nothing
 *       ({@link WriteOnlyMain}); {@code -Dbench.outputsPerInput} (default 1.28, what hand-written and
 *       Tally measured) records per input record. Any exactly-once W1 in {@code emit: changes} must
 *       write these and also read the input, so it cannot beat this figure on the same machine.</li>
 * </ul>
 */
record W1Baseline(String name, Class<?> main, Function<Job, String[]> args) implements Contender {

    static W1Baseline handWritten() {
        return new W1Baseline("hand-written", HandWrittenMain.class, job -> new String[] {
                job.bootstrapServers(), job.inputTopic(), job.outputTopic(), job.name()});
    }

    static W1Baseline writeOnly() {
        return new W1Baseline("write-only", WriteOnlyMain.class, job -> new String[] {
                job.bootstrapServers(), job.inputTopic(), job.outputTopic(), job.name(),
                System.getProperty("bench.outputsPerInput", "1.28")});
    }

    @Override
    public boolean writesOutput() {
        return false;
    }

    @Override
    public boolean runs(JobShape shape) {
        return shape == JobShape.HOPPING_COUNT;
    }

    @Override
    public Launch prepare(Job job, Environment env) throws IOException {
        return Contender.stateless(job, env, main, args.apply(job));
    }
}
