package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos suite: each scenario feeds a few thousand records to child-process Tally
 * instances on a real (child-process) broker while one kind of fault is injected, then checks
 * the read_committed output against the oracle, the dead-letter topics and the sentinels.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChaosSuiteTest {
    @TempDir
    static Path brokerDir;
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = BrokerProcess.start(brokerDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private ChaosReport run(String tag, int instances, int startInstances, List<Fault> faults) throws InterruptedException {
        // Kept under target/ (not a temp dir) so the instance logs of a failed scenario can be read.
        Path work = Path.of("target", "chaos-work", tag).toAbsolutePath();
        ChaosReport report = ChaosRun.run(ChaosSettings.ci(tag, work, instances, startInstances, faults), broker);
        System.out.print("---- " + tag + "\n" + report.summary());
        assertTrue(report.passed(), report.summary());
        assertEquals(faults.size(), report.faultsInjected(), report.summary());
        return report;
    }

    @Test
    void shouldMatchOracleWhenNothingFails() throws InterruptedException {
        run("calm", 2, 2, List.of());
    }

    @Test
    void shouldMatchOracleWhenRandomInstancesAreKilledAndRestarted() throws InterruptedException {
        run("kill", 2, 2, List.of(Fault.KILL, Fault.KILL, Fault.KILL, Fault.KILL));
    }

    @Test
    void shouldKeepZombieOutputOutWhenAPausedInstanceOutlivesItsTimeouts() throws InterruptedException {
        run("zombie", 2, 2, List.of(Fault.ZOMBIE));
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "CRASH_.*", mode = EnumSource.Mode.MATCH_ANY)
    void shouldMatchOracleWhenAnInstanceHaltsAtACommitProtocolPoint(Fault crash) throws InterruptedException {
        ChaosReport report = run(crash.name().toLowerCase(Locale.ROOT).replace('_', '-'), 2, 2, List.of(crash, crash));
        assertEquals(2, report.crashesHit(), report.summary());
    }

    @Test
    void shouldMatchOracleWhenTheBrokerIsStoppedAndRestarted() throws InterruptedException {
        run("broker", 2, 2, List.of(Fault.BROKER_RESTART));
    }

    @Test
    void shouldMatchOracleWhenScalingFromOneToThreeAndBackToOne() throws InterruptedException {
        run("scale", 3, 1, List.of(Fault.SCALE_UP, Fault.SCALE_DOWN));
    }
}
