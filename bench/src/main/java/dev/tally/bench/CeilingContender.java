package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        Files.createDirectories(job.runDir());
        var heapFile = job.runDir().resolve("heap-peak.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(env.javaBin());
        cmd.addAll(env.jvmOptions());
        cmd.addAll(List.of("-cp", env.classpath(), "-Dbench.heapPeakFile=" + heapFile,
                CeilingMain.class.getName(), job.shape().name(), job.bootstrapServers(),
                job.inputTopic(), job.name()));
        return new Launch(cmd, job.runDir(), Map.of(), job.name(), null, heapFile,
                t -> false, t -> false);
    }
}
