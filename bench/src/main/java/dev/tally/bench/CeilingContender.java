package dev.tally.bench;

import java.io.IOException;

/** A plain read_committed consumer that decodes what the job needs and does nothing else. */
final class CeilingContender implements Contender {

    @Override
    public String name() {
        return "ceiling";
    }

    @Override
    public boolean writesOutput() {
        return false;
    }

    @Override
    public Launch prepare(Job job, Environment env) throws IOException {
        return Contender.stateless(job, env, CeilingMain.class, job.shape().name(), job.bootstrapServers(),
                job.inputTopic(), job.name());
    }
}
