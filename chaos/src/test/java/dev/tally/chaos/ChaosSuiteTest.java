package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
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
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        // Kept under target/ with the scenarios' work dirs, for a post-mortem of a failed run.
        broker = BrokerProcess.start(Path.of("target", "chaos-work", "broker-data-" + ProcessHandle.current().pid()).toAbsolutePath(), 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private ChaosReport run(String tag, int instances, int startInstances, List<Fault> faults) throws InterruptedException, IOException {
        // Kept under target/ (not a temp dir) so the instance logs of a failed scenario can be read.
        Path work = Path.of("target", "chaos-work", tag).toAbsolutePath();
        if (Files.exists(work)) {
            try (Stream<Path> old = Files.walk(work)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        ChaosReport report = ChaosRun.run(ChaosSettings.ci(tag, work, instances, startInstances, faults), broker);
        System.out.print("---- " + tag + "\n" + report.summary());
        assertTrue(report.passed(), report.summary());
        assertEquals(faults.size(), report.faultsInjected(), report.summary());
        return report;
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
    void shouldKeepZombieOutputOutWhenAPausedInstanceOutlivesItsTimeouts() throws InterruptedException, IOException {
        run("zombie", 2, 2, List.of(Fault.ZOMBIE));
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "CRASH_.*", mode = EnumSource.Mode.MATCH_ANY)
    void shouldMatchOracleWhenAnInstanceHaltsAtACommitProtocolPoint(Fault crash) throws InterruptedException, IOException {
        ChaosReport report = run(crash.name().toLowerCase(Locale.ROOT).replace('_', '-'), 2, 2, List.of(crash, crash));
        assertEquals(2, report.crashesHit(), report.summary());
    }

    @Test
    void shouldMatchOracleWhenTheBrokerIsStoppedAndRestarted() throws InterruptedException, IOException {
        run("broker", 2, 2, List.of(Fault.BROKER_RESTART));
    }

    @Test
    void shouldMatchOracleWhenScalingFromOneToThreeAndBackToOne() throws InterruptedException, IOException {
        run("scale", 3, 1, List.of(Fault.SCALE_UP, Fault.SCALE_DOWN));
    }
}
