package dev.tally.chaos;

import java.nio.file.Path;
import java.util.List;

/**
 * One chaos run: the input, the instances, and the faults injected while the input flows.
 *
 * @param tag            prefix of every topic and job name, so runs can share a broker
 * @param records        input records, malformed ones included
 * @param partitions     partitions of the input topic (and so of every task-keyed topic)
 * @param users          distinct keys
 * @param stepMs         event time between consecutive records
 * @param windowMs       tumbling window of the record-key job; the repartitioning job uses hopping windows of twice that, sliding by it
 * @param malformedEvery every n-th record is not JSON (0: none)
 * @param feedMillis     how long producing the input takes: faults happen while it flows
 * @param instances      instance slots (each with its own identity and state dir)
 * @param startInstances instances started at the beginning (the others join on SCALE_UP)
 * @param faults         injected one after the other, {@code faultGapMillis} apart
 * @param zombieMillis   how long a zombie stays stopped: beyond session, poll and transaction timeouts
 * @param brokerDownMillis how long the broker stays down on a broker restart
 * @param settleMillis   how long the run may take to catch up after the last fault before it counts as stuck
 * @param threads        processing threads of each job in each instance
 */
record ChaosSettings(String tag, Path workDir, long seed, long records, int partitions, int users, long stepMs,
                     long windowMs, long malformedEvery, long feedMillis, int instances, int startInstances, List<Fault> faults,
                     long faultGapMillis, long zombieMillis, long brokerDownMillis, long settleMillis, int threads,
                     int standbyReplicas) {

    ChaosSettings {
        faults = List.copyOf(faults);
    }

    /** A short run for CI: a few thousand records, faults a few seconds apart. */
    static ChaosSettings ci(String tag, Path workDir, int instances, int startInstances, List<Fault> faults) {
        return new ChaosSettings(tag, workDir, tag.hashCode(), 4_000, 4, 25, 20, 5_000, 397,
                20_000, instances, startInstances, faults, 3_000, 22_000, 8_000, 240_000, 1, 0);
    }

    ChaosSettings withFeedMillis(long millis) {
        return new ChaosSettings(tag, workDir, seed, records, partitions, users, stepMs, windowMs, malformedEvery,
                millis, instances, startInstances, faults, faultGapMillis, zombieMillis, brokerDownMillis, settleMillis, threads, standbyReplicas);
    }

    ChaosSettings withFaultGapMillis(long millis) {
        return new ChaosSettings(tag, workDir, seed, records, partitions, users, stepMs, windowMs, malformedEvery,
                feedMillis, instances, startInstances, faults, millis, zombieMillis, brokerDownMillis, settleMillis, threads, standbyReplicas);
    }

    /** {@code standby-replicas: n} for both jobs: warm copies of each task on other instances. */
    ChaosSettings withStandbyReplicas(int n) {
        return new ChaosSettings(tag, workDir, seed, records, partitions, users, stepMs, windowMs, malformedEvery,
                feedMillis, instances, startInstances, faults, faultGapMillis, zombieMillis, brokerDownMillis, settleMillis, threads, n);
    }

    ChaosSettings withThreads(int n) {
        return new ChaosSettings(tag, workDir, seed, records, partitions, users, stepMs, windowMs, malformedEvery,
                feedMillis, instances, startInstances, faults, faultGapMillis, zombieMillis, brokerDownMillis, settleMillis, n, standbyReplicas);
    }

    String inputTopic() {
        return tag + "-events";
    }

    List<JobSpec> jobs() {
        return List.of(
                new JobSpec(tag + "-direct", true, windowMs, windowMs, true),
                new JobSpec(tag + "-repart", false, 2 * windowMs, windowMs, false));
    }

    /**
     * One job of the run: the record-key job emits each tumbling window once (final); the
     * repartitioning job routes by the user field through the repartition topic and emits every
     * change of its hopping windows, so its last value per window counts.
     */
    record JobSpec(String name, boolean recordKey, long sizeMs, long slideMs, boolean emitFinal) {
        String sinkTopic() {
            return name + "-out";
        }

        String deadLetterTopic() {
            return name + "-dlq";
        }

        String repartitionTopic() {
            return "tally-" + name + "-repartition";
        }

        String groupId() {
            return "tally-" + name;
        }
    }
}
