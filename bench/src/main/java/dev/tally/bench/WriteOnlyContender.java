package dev.tally.bench;

import java.io.IOException;

/**
 * A bound from the other side of the ceiling: W1's output alone, written exactly-once, reading
 * nothing. It writes {@code -Dbench.outputsPerInput} (default 1.28, what hand-written and Tally
 * measured for W1) JSON window records per input record in 1 s transactions with Tally's producer
 * settings, then commits the input's end offsets. Any exactly-once W1 in {@code emit: changes} must
 * write these records and also read the input, so it cannot beat this figure on the same machine.
 */
final class WriteOnlyContender implements Contender {

    @Override
    public String name() {
        return "write-only";
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
        return Contender.stateless(job, env, WriteOnlyMain.class, job.bootstrapServers(), job.inputTopic(),
                job.outputTopic(), job.name(), System.getProperty("bench.outputsPerInput", "1.28"));
    }
}
