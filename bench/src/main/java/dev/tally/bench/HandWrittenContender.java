package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
        Files.createDirectories(job.runDir());
        var heapFile = job.runDir().resolve("heap-peak.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(env.javaBin());
        cmd.addAll(env.jvmOptions());
        cmd.addAll(List.of("-cp", env.classpath(), "-Dbench.heapPeakFile=" + heapFile,
                HandWrittenMain.class.getName(), job.bootstrapServers(), job.inputTopic(), job.outputTopic(), job.name()));
        return new Launch(cmd, job.runDir(), Map.of(), job.name(), null, heapFile, t -> false, t -> false);
    }
}
