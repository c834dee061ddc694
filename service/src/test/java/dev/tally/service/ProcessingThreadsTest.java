package dev.tally.service;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.tally.service.GroupProgress.await;
import static dev.tally.service.GroupProgress.caughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** threads: N runs a job as N members of its group in one process, sharing one local store. */
class ProcessingThreadsTest {
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @Test
    void shouldSplitPartitionsOverThreadsAndCountEveryRecordOnceWhenAJobHasTwoThreads() throws Exception {
        TestJob job = TestJob.unique("threads", PARTITIONS);
        Map<String, Long> expected = new HashMap<>();
        try (TallyService service = new TallyService(UserEvents.countJob(job, dir, "threads-a", 2, 0, 2000, false),
                new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", job.bootstrap()))) {
            service.start();
            await("the job ready", service::isReady, 60);
            await("two members with two partitions each", () -> memberPartitions(admin, job.group()).equals(List.of(2, 2)), 60);
            UserEvents.send(job.bootstrap(), job.input(), 0, 20_000, 200, 60, expected);
            await("all input processed", () -> caughtUp(admin, job.group(), job.input(), PARTITIONS), 120);
            assertEquals(PARTITIONS, ((Collection<?>) service.statuses().get(0).toMap().get("assignedPartitions")).size());
        }
        assertEquals(expected, UserEvents.lastCounts(job.bootstrap(), job.output(), PARTITIONS));
    }

    /**
     * Tasks that another process owned come to two threads here while this process's standby
     * thread holds them warm: each thread must take them from the standby (TaskOwnership), or it
     * would wait for them for ever; a thread writing a task another thread holds fails the job.
     */
    @Test
    void shouldCountEveryRecordOnceWhenTasksOfAStandbyMoveToTwoThreadsOfOneProcess() throws Exception {
        TestJob job = TestJob.unique("threads-standby", PARTITIONS);
        Map<String, Long> expected = new HashMap<>();
        try (TallyService a = new TallyService(UserEvents.countJob(job, dir, "threads-a", 2, 1, 2000, false), new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", job.bootstrap()))) {
            a.start();
            await("a ready", a::isReady, 60);
            try (TallyService b = new TallyService(UserEvents.countJob(job, dir, "threads-b", 2, 1, 2000, false),
                    new SimpleMeterRegistry())) {
                b.start();
                await("a and b ready, four members with one partition each",
                        () -> a.isReady() && b.isReady() && memberPartitions(admin, job.group()).equals(List.of(1, 1, 1, 1)), 90);
                UserEvents.send(job.bootstrap(), job.input(), 0, 10_000, 200, 60, expected);
                await("the first input processed", () -> caughtUp(admin, job.group(), job.input(), PARTITIONS), 120);
                Thread.sleep(7_000); // a standby refresh (5 s): a keeps b's tasks warm
            }
            await("a's two threads own every task", () -> a.isReady() && a.statuses().get(0).assignedPartitions().size() == PARTITIONS
                    && memberPartitions(admin, job.group()).equals(List.of(2, 2)), 90);
            UserEvents.send(job.bootstrap(), job.input(), 10_000, 5_000, 200, 60, expected);
            await("all input processed", () -> caughtUp(admin, job.group(), job.input(), PARTITIONS), 120);
            assertTrue(a.statuses().get(0).failures().isEmpty(), () -> "failed threads: " + a.statuses().get(0).failures());
        }
        assertEquals(expected, UserEvents.lastCounts(job.bootstrap(), job.output(), PARTITIONS));
    }

    /**
     * A thread that stalls (a long GC pause, a stuck disk) past max.poll.interval.ms and its
     * session loses its partitions to the other thread while it still holds their tasks: the
     * other thread must wait, paused and not ready, until the stalled one notices and lets go
     * (TaskOwnership), then restore them; every record still counts once.
     */
    @Test
    void shouldWaitForTheStalledThreadAndCountEveryRecordOnceWhenTheGroupMovesItsTasksToTheOtherThread() throws Exception {
        TestJob job = TestJob.unique("threads-stall", PARTITIONS);
        Map<String, Long> expected = new HashMap<>();
        ListAppender<ILoggingEvent> taskLog = new ListAppender<>();
        Logger taskManager = (Logger) LoggerFactory.getLogger("dev.tally.service.job.TaskManager");
        taskLog.start();
        taskManager.addAppender(taskLog);
        TallyService service = new TallyService(UserEvents.countJob(job, dir, "stall-a", 2, 0, 2000, false,
                Map.of("max.poll.interval.ms", "3000")), new SimpleMeterRegistry());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", job.bootstrap()))) {
            System.setProperty("tally.stall.thread", "tally-job-" + job.name() + "-1");
            System.setProperty("tally.stall.after", "40");
            System.setProperty("tally.stall.ms", "15000");
            try {
                service.start(); // the threads read the stall settings as they are made, here
            } finally {
                System.clearProperty("tally.stall.thread");
                System.clearProperty("tally.stall.after");
                System.clearProperty("tally.stall.ms");
            }
            await("the job ready", service::isReady, 60);
            UserEvents.send(job.bootstrap(), job.input(), 0, 10_000, 200, 60, expected);
            await("the other thread waits for the stalled thread's tasks", () -> taskLog.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains(job.name() + ": processing thread 0 waits for tasks")), 60);
            await("the stalled thread let go and the other took its tasks", () -> taskLog.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains(job.name() + ": processing thread 0 took tasks")), 60);
            await("the job ready again", service::isReady, 60);
            UserEvents.send(job.bootstrap(), job.input(), 10_000, 5_000, 200, 60, expected);
            await("all input processed", () -> caughtUp(admin, job.group(), job.input(), PARTITIONS), 120);
            assertTrue(service.statuses().get(0).failures().isEmpty(), () -> "failed threads: " + service.statuses().get(0).failures());
        } finally {
            service.close();
            taskManager.detachAppender(taskLog);
        }
        assertEquals(expected, UserEvents.lastCounts(job.bootstrap(), job.output(), PARTITIONS));
    }

    /** Partitions per member, sorted: the group's view of how the threads split the input. */
    private static List<Integer> memberPartitions(Admin admin, String group) {
        try {
            List<Integer> sizes = new ArrayList<>();
            for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
                sizes.add(m.assignment().topicPartitions().size());
            }
            return sizes.stream().sorted().toList();
        } catch (java.util.concurrent.ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
