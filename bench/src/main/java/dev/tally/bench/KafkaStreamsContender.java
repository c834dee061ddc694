package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** The same job written with the Kafka Streams DSL, exactly_once_v2 and RocksDB stores. */
final class KafkaStreamsContender implements Contender {

    @Override
    public String name() {
        return "kstreams";
    }

    @Override
    public Launch prepare(Job job, Environment env) throws IOException {
        Files.createDirectories(job.stateDir());
        var heapFile = job.runDir().resolve("heap-peak.txt");
        List<String> cmd = env.childJvm(heapFile, StreamsMain.class, job.shape().name(), job.bootstrapServers(),
                job.inputTopic(), job.outputTopic(), job.name(), job.stateDir().toString());
        String prefix = job.name() + "-";
        return new Launch(cmd, job.runDir(), Map.of(), job.name(), job.stateDir(), heapFile,
                t -> t.startsWith(prefix) && (t.endsWith("-changelog") || t.endsWith("-repartition")),
                t -> t.startsWith(prefix) && t.endsWith("-repartition"));
    }
}
