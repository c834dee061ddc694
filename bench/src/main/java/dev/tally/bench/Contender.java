package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Something measured on a job: a child process the harness starts, watches through its consumer
 * group's committed offsets and /proc, and stops. Adding a contender is one small class.
 */
interface Contender {

    /** Short name used on the command line and in tables: ceiling, kstreams, tally. */
    String name();

    /** The ceiling only reads; it has no output topic, so latency and restart do not apply. */
    default boolean writesOutput() {
        return true;
    }

    /** The topic where it puts late and malformed records, or null (Kafka Streams drops late records). */
    default String deadLetterTopic(Job job) {
        return null;
    }

    /** Writes whatever config the process needs under {@link Job#runDir()} and says how to start it. */
    Launch prepare(Job job, Environment env) throws IOException;

    /** Something that watches the run from outside while it is measured (a dashboard page), or nothing. */
    default Observer observe(Job job) {
        return Observer.NONE;
    }

    /** Open for the measured part of a run; its summary goes into the run's log line. */
    interface Observer extends AutoCloseable {
        Observer NONE = new Observer() {
            @Override
            public String summary() {
                return null;
            }

            @Override
            public void close() {
                // nothing was opened
            }
        };

        String summary();

        @Override
        void close() throws InterruptedException;
    }

    /** What the harness knows that contenders need to launch a JVM like its own. */
    record Environment(String javaBin, String classpath, List<String> jvmOptions, Path repoRoot,
                       Path agentJar) {

        /** The command of a child JVM like the harness's, running {@code main} and reporting its heap peak. */
        List<String> childJvm(Path heapPeakFile, Class<?> main, String... args) {
            List<String> cmd = new java.util.ArrayList<>();
            cmd.add(javaBin);
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", classpath, "-Dbench.heapPeakFile=" + heapPeakFile, main.getName()));
            cmd.addAll(List.of(args));
            return cmd;
        }
    }

    /** A baseline without state or internal topics: {@code main} in a child JVM, in the run's directory. */
    static Launch stateless(Job job, Environment env, Class<?> main, String... args) throws IOException {
        java.nio.file.Files.createDirectories(job.runDir());
        Path heapFile = job.runDir().resolve("heap-peak.txt");
        return new Launch(env.childJvm(heapFile, main, args), job.runDir(), Map.of(), job.name(), null, heapFile,
                t -> false, t -> false);
    }

    /** False for a contender that has no version of this job (the I/O ceiling only writes W1's output). */
    default boolean runs(JobShape shape) {
        return true;
    }

    /**
     * How to start one run and how to recognise its footprint on the broker.
     *
     * @param groupId            consumer group whose committed offsets say how far it got
     * @param heapPeakFile       where the process writes its peak heap when it stops
     * @param internalTopic      its changelog and repartition topics (bytes written are summed)
     * @param repartitionTopic   internal topics it also consumes: done means drained too
     */
    record Launch(List<String> command, Path workDir, Map<String, String> env, String groupId,
                  Path stateDir, Path heapPeakFile, Predicate<String> internalTopic,
                  Predicate<String> repartitionTopic) {
    }
}
