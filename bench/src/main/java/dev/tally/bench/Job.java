package dev.tally.bench;

import java.nio.file.Path;

/**
 * One contender's run of one job: the names it must use so runs never share a group, a store or
 * an output topic.
 *
 * @param name       unique per run; Kafka Streams' application.id, Tally's job name
 * @param runDir     private directory of this run (state, logs, generated config)
 */
record Job(JobShape shape, String name, String bootstrapServers, String inputTopic,
           String outputTopic, Path runDir) {

    Path stateDir() {
        return runDir.resolve("state");
    }
}
