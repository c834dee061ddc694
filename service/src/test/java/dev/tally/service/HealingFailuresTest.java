package dev.tally.service;

import dev.tally.broker.BrokerProcess;
import dev.tally.broker.EmbeddedKafka;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.tally.service.GroupProgress.await;
import static dev.tally.service.GroupProgress.caughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Failures that heal: a source topic that does not exist yet, and a broker that is down for longer
 * than the clients' max.block.ms while a job recovers, make the job not-ready with a reason, never
 * FAILED; once the topic or the broker is there, the job runs and its output is exact.
 */
class HealingFailuresTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    @Test
    void shouldWaitNotReadyAndThenCountExactlyWhenTheSourceTopicAppearsLate() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "late-topic-in-" + id;
        String job = "late-topic-" + id;
        Map<String, Long> expected = new HashMap<>();
        try (TallyService service = new TallyService(config(kafka.bootstrapServers(), job, input, dir.resolve("state")),
                new SimpleMeterRegistry());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            service.start();
            await("the job says why it waits", () -> String.valueOf(service.statuses().get(0).error()).contains(input), 30);
            Thread.sleep(2_000);
            assertFalse(service.anyFailed(), () -> "a missing topic is a wait: " + service.statuses().get(0).error());
            assertFalse(service.isReady(), "not ready while the source topic is missing");
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get();
            await("the job ready once its topic exists", service::isReady, 60);
            UserEvents.send(kafka.bootstrapServers(), input, 0, 3_000, 100, 60, expected);
            await("all input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 60);
        }
        assertEquals(expected, UserEvents.lastCounts(kafka.bootstrapServers(), job + "-out", PARTITIONS));
    }

    @Test
    void shouldBeNotReadyThenReadyWithExactOutputWhenTheBrokerIsDownLongerThanMaxBlockDuringRecovery() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "outage-in-" + id;
        String job = "outage-" + id;
        Path state = dir.resolve("state");
        Map<String, Long> expected = new HashMap<>();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get();
            TallyConfig config = config(broker.bootstrapServers(), job, input, state);
            try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
                service.start();
                await("the job ready", service::isReady, 60);
                UserEvents.send(broker.bootstrapServers(), input, 0, 4_000, 100, 60, expected);
                await("the first input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 60);
            }
            // A restart on a wiped state directory must rebuild every task from the changelog: recovery.
            deleteRecursively(state);
            broker.stop();
            try (TallyService service = new TallyService(config, new SimpleMeterRegistry())) {
                service.start();
                Thread.sleep(9_000);
                assertFalse(service.anyFailed(), () -> "an unreachable broker is a wait: " + service.statuses().get(0).error());
                assertFalse(service.isReady(), "not ready while the broker is down");
                broker.restart();
                await("ready once the broker is back", service::isReady, 120);
                UserEvents.send(broker.bootstrapServers(), input, 4_000, 2_000, 100, 60, expected);
                await("the rest of the input processed", () -> caughtUp(admin, "tally-" + job, input, PARTITIONS), 90);
                assertFalse(service.anyFailed());
            }
            assertEquals(expected, UserEvents.lastCounts(broker.bootstrapServers(), job + "-out", PARTITIONS));
        }
    }

    private static TallyConfig config(String bootstrap, String job, String input, Path state) throws Exception {
        String yaml = """
                kafka:
                  bootstrap.servers: "%s"
                  max.block.ms: 3000
                  default.api.timeout.ms: 4000
                  request.timeout.ms: 3000
                  reconnect.backoff.max.ms: 1000
                state: { dir: "%s", instance-id: heal-a }
                http: { enabled: false }
                jobs:
                  - name: %s
                    source: { topic: %s, format: json }
                    key: { record-key: true }
                    time: { type: event, field: ts }
                    window: { type: tumbling, size: 1m }
                    aggregates: { n: count }
                    emit: changes
                    batch: { interval: 200ms, max-records: 2000 }
                    sink: { topic: %s-out }
                """.formatted(bootstrap, state, job, input, job);
        return TallyConfigLoader.parse(yaml, "heal.yaml", Map.of());
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
