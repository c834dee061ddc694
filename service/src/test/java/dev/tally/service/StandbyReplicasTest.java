package dev.tally.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static dev.tally.service.GroupProgress.await;
import static dev.tally.service.GroupProgress.caughtUp;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** standby-replicas: a task failing over to the instance that kept it warm replays only its changelog's tail. */
class StandbyReplicasTest {

    @TempDir
    Path dir;

    @Test
    void shouldReplayOnlyTheTailWhenATaskFailsOverToItsStandby() throws Exception {
        TestJob job = TestJob.unique("standby", 2);
        String input = job.input();
        TallyService a = new TallyService(UserEvents.countJob(job, dir, "a", 1, 1, 500, false), new SimpleMeterRegistry());
        TallyService b = new TallyService(UserEvents.countJob(job, dir, "b", 1, 1, 500, false), new SimpleMeterRegistry());
        try {
            a.start();
            b.start();
            await("both instances ready", () -> a.isReady() && b.isReady(), 60);
            // 10 ms apart and in waves: many batches, each ending with its panes' windows still
            // open, so every batch writes live state to the changelog (a pane whose windows all
            // closed within its batch is never written)
            UserEvents.sendInWaves(job.bootstrap(), input, 0, 20_000, 200, 10, null, 1_000, 300);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", job.bootstrap()))) {
                await("all input processed", () -> caughtUp(admin, job.group(), input, 2), 120);
                Thread.sleep(8_000); // a standby refresh (5 s) and its catch-up
                long restoredBefore = b.statuses().get(0).restoredRecords();
                a.close();
                await("b owns both tasks", () -> b.isReady()
                        && b.statuses().get(0).toMap().get("assignedPartitions").toString().contains(input + "-0")
                        && b.statuses().get(0).toMap().get("assignedPartitions").toString().contains(input + "-1"), 90);
                long replayed = b.statuses().get(0).restoredRecords() - restoredBefore;
                long changelog = changelogSize(admin, job.group() + "-changelog");
                assertTrue(changelog > 200, "the changelog should hold real state, has " + changelog);
                assertTrue(replayed * 10 < changelog,
                        "failover replayed " + replayed + " of " + changelog + " changelog records: the standby was not warm");
            }
        } finally {
            a.close();
            b.close();
        }
    }

    private static long changelogSize(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).min().orElse(0);
    }
}
