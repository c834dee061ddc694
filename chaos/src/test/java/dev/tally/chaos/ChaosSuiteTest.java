package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos suite: each scenario feeds a few thousand records to child-process Tally
 * instances on a real (child-process) broker while one kind of fault is injected, then checks
 * the read_committed output against the oracle, the dead-letter topics and the sentinels.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChaosSuiteTest {
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        HarnessLogging.quietKafkaClients();
        // Kept under target/ with the scenarios' work dirs, for a post-mortem of a failed run.
        broker = BrokerProcess.start(Path.of("target", "chaos-work", "broker-data-" + ProcessHandle.current().pid()).toAbsolutePath(), 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** Kept under target/ (not a temp dir) so the instance logs of a failed scenario can be read. */
    private static Path work(String tag) throws IOException {
        Path work = Path.of("target", "chaos-work", tag).toAbsolutePath();
        if (Files.exists(work)) {
            try (Stream<Path> old = Files.walk(work)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        return work;
    }

    private static ChaosReport run(ChaosSettings settings) throws InterruptedException, IOException {
        ChaosReport report = ChaosRun.run(settings, broker);
        System.out.print("---- " + settings.tag() + "\n" + report.summary());
        assertTrue(report.passed(), report.summary());
        assertEquals(settings.faults().size(), report.faultsInjected(), report.summary());
        return report;
    }

    private static ChaosReport run(String tag, int instances, int startInstances, List<Fault> faults)
            throws InterruptedException, IOException {
        return run(ChaosSettings.ci(tag, work(tag), instances, startInstances, faults));
    }

    @Test
    void shouldMatchOracleWhenNothingFails() throws InterruptedException, IOException {
        run("calm", 2, 2, List.of());
    }

    @Test
    void shouldMatchOracleWhenRandomInstancesAreKilledAndRestarted() throws InterruptedException, IOException {
        run("kill", 2, 2, List.of(Fault.KILL, Fault.KILL, Fault.KILL, Fault.KILL));
    }

    @Test
    void shouldMatchOracleWhenInstancesWithTwoThreadsPerJobAreKilledAndRestarted() throws InterruptedException, IOException {
        // 2 instances x 2 threads on 4 partitions: a kill moves tasks between processes and threads.
        run(ChaosSettings.ci("threads", work("threads"), 2, 2, List.of(Fault.KILL, Fault.KILL, Fault.KILL)).withThreads(2));
    }

    @Test
    void shouldMatchOracleWhenStandbysTakeOverAndGiveBackQuickly() throws InterruptedException, IOException {
        // standby-replicas: 1 on 3 instances: a kill, then scale-downs that move every task onto the
        // instance keeping its standby and scale-ups that give it back seconds later, so a standby
        // paused for a task it briefly owned must tail again from its store's own checkpoint.
        run(ChaosSettings.ci("standby", work("standby"), 3, 3, List.of(Fault.KILL, Fault.SCALE_DOWN, Fault.SCALE_UP,
                Fault.KILL, Fault.SCALE_DOWN, Fault.SCALE_UP)).withStandbyReplicas(1).withFeedMillis(30_000));
    }

    @Test
    void shouldKeepZombieOutputOutWhenAPausedInstanceOutlivesItsTimeouts() throws InterruptedException, IOException {
        run("zombie", 2, 2, List.of(Fault.ZOMBIE));
    }

    @Test
    void shouldMatchOracleWhenInstancesHaltAtEveryCommitProtocolPoint() throws InterruptedException, IOException {
        List<Fault> crashes = List.of(Fault.CRASH_BEFORE_SEND_OFFSETS, Fault.CRASH_DURING_COMMIT,
                Fault.CRASH_AFTER_COMMIT_BEFORE_STORE, Fault.CRASH_DURING_RESTORE);
        // An armed instance halts in its first batches that commit something, so the input must
        // still flow when the last one is armed.
        ChaosReport report = run(ChaosSettings.ci("crash", work("crash"), 2, 2, crashes).withFeedMillis(40_000));
        assertEquals(crashes.size(), report.crashesHit(), report.summary());
    }

    @Test
    void shouldMatchOracleWhenTheBrokerIsStoppedAndRestarted() throws InterruptedException, IOException {
        run("broker", 2, 2, List.of(Fault.BROKER_RESTART));
    }

    @Test
    void shouldMatchOracleWhenScalingFromOneToThreeAndBackToOne() throws InterruptedException, IOException {
        // Far enough apart that the two new instances restore and process before they leave again.
        run(ChaosSettings.ci("scale", work("scale"), 3, 1, List.of(Fault.SCALE_UP, Fault.SCALE_DOWN)).withFaultGapMillis(8_000));
    }
}
