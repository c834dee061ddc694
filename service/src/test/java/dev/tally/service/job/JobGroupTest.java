package dev.tally.service.job;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job's processing threads: their group identities and the one status an operator sees. */
class JobGroupTest {

    @ParameterizedTest
    @CsvSource({
        "tally-1a2b3c4d, 0, tally-1a2b3c4d",
        "tally-1a2b3c4d, 1, tally-1a2b3c4d.t1",
        "node-7,         12, node-7.t12",
        "a.b,            3, a.b.t3",
    })
    void shouldNameThreadMembersAfterTheInstanceWhenThreadsJoinTheGroup(String instance, int thread, String member) {
        assertEquals(member, JobGroup.memberId(instance, thread));
        assertEquals(instance, JobGroup.instanceOf(member));
    }

    @ParameterizedTest
    @CsvSource({
        "a.tx,    a.tx",
        "a.t,     a.t",
        "a.t1x,   a.t1x",
        "at1,     at1",
        "a.t1.t2, a.t1",
    })
    void shouldStripOnlyATrailingThreadSuffixWhenFindingTheInstance(String member, String instance) {
        assertEquals(instance, JobGroup.instanceOf(member));
    }

    @Test
    void shouldReturnTheThreadsOwnStatusWhenTheJobHasOneThread() {
        JobStatus only = new JobStatus("clicks");
        assertSame(only, JobStatus.combine("clicks", List.of(only)));
    }

    @Test
    void shouldBeReadyOnlyWhenEveryThreadIsReady() {
        JobStatus a = running("clicks", 0, 100L, 5_000);
        JobStatus b = running("clicks", 1, 200L, 4_000);
        JobStatus both = JobStatus.combine("clicks", List.of(a, b));
        assertTrue(both.isReady());
        assertEquals(JobStatus.State.RUNNING, both.state());
        assertEquals(List.of("in-0", "in-1"), both.assignedPartitions());
        assertEquals(Map.of(0, 100L, 1, 200L), both.watermarks());
        assertEquals(4_000L, both.toMap().get("lastCommitMillis"));
        assertEquals(14L, both.restoredRecords());

        b.ready(false);
        JobStatus notYet = JobStatus.combine("clicks", List.of(a, b));
        assertFalse(notYet.isReady());
    }

    @Test
    void shouldFailTheJobWhenOneThreadFailed() {
        JobStatus a = running("clicks", 0, 100L, 5_000);
        JobStatus b = running("clicks", 1, 200L, 4_000);
        b.failed("producer fenced");
        JobStatus both = JobStatus.combine("clicks", List.of(a, b));
        assertEquals(JobStatus.State.FAILED, both.state());
        assertEquals("producer fenced", both.error());
        assertFalse(both.isReady());
    }

    @Test
    void shouldListEachFailedThreadAndCountItWhenThreadsOfOneJobShareTheirFailures() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ThreadFailures failures = new ThreadFailures(new dev.tally.service.metrics.JobMetrics(registry, "clicks"));
        JobStatus a = new JobStatus("clicks", failures);
        JobStatus b = new JobStatus("clicks", failures);
        failures.record(ThreadFailures.Kind.STANDBY, "java.io.IOException: disk full");
        assertEquals(JobStatus.State.STARTING, JobStatus.combine("clicks", List.of(a, b)).state(), "a dead standby fails nothing");
        b.failed("producer fenced");

        List<?> shown = (List<?>) JobStatus.combine("clicks", List.of(a, b)).toMap().get("failures");
        assertEquals(2, shown.size());
        Map<?, ?> standby = (Map<?, ?>) shown.get(0);
        Map<?, ?> processing = (Map<?, ?>) shown.get(1);
        assertEquals("standby", standby.get("kind"));
        assertEquals("java.io.IOException: disk full", standby.get("error"));
        assertEquals("processing", processing.get("kind"));
        assertEquals("producer fenced", processing.get("error"));
        assertEquals(Thread.currentThread().getName(), processing.get("thread"));
        assertEquals(1.0, registry.get("tally.thread.failures").tags("job", "clicks", "kind", "standby").counter().count());
        assertEquals(1.0, registry.get("tally.thread.failures").tags("job", "clicks", "kind", "processing").counter().count());
    }

    @Test
    void shouldBeStartingUntilEveryThreadRuns() {
        JobStatus a = running("clicks", 0, 100L, 5_000);
        JobStatus b = new JobStatus("clicks");
        b.starting();
        assertEquals(JobStatus.State.STARTING, JobStatus.combine("clicks", List.of(a, b)).state());
        a.stopped();
        b.stopped();
        assertEquals(JobStatus.State.STOPPED, JobStatus.combine("clicks", List.of(a, b)).state());
    }

    private static JobStatus running(String job, int partition, long watermark, long lastCommit) {
        JobStatus s = new JobStatus(job);
        s.ready(true);
        s.assigned(List.of(new TopicPartition("in", partition)));
        s.restored(7);
        s.committedAt(lastCommit, Map.of(partition, watermark));
        return s;
    }
}
