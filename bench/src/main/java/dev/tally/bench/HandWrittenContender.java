package dev.tally.bench;

import java.io.IOException;
import java.util.Map;

/**
 * W1 as a user could write it by hand on the Kafka clients: a read_committed consumer, a
 * transactional producer, and each 1 s batch counted in a HashMap and written as one JSON record
 * per user and window touched, with the offsets in the transaction. No state store, no changelog,
 * no late-record handling: the same output records as Tally's {@code emit: changes}, and what
 * writing them exactly-once costs on this machine, which the read-only ceiling leaves out.
 */
final class HandWrittenContender implements Contender {

    @Override
    public String name() {
        return "hand-written";
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
        return Contender.stateless(job, env, HandWrittenMain.class, job.bootstrapServers(), job.inputTopic(),
                job.outputTopic(), job.name());
    }
}
