package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Injects one fault at a time into the cluster or the broker and counts what it did. */
final class FaultInjector {
    private static final long CRASH_WAIT_MILLIS = 90_000;

    private final ChaosSettings settings;
    private final Cluster cluster;
    private final BrokerProcess broker;
    private final SplittableRandom random;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> problems;

    FaultInjector(ChaosSettings settings, Cluster cluster, BrokerProcess broker, List<String> problems) {
        this.settings = settings;
        this.cluster = cluster;
        this.broker = broker;
        this.random = new SplittableRandom(settings.seed() * 31 + 7);
        this.problems = problems;
    }

    Map<Fault, Integer> injected() {
        return injected;
    }

    void inject(Fault fault) throws InterruptedException {
        log("injecting " + fault);
        boolean done = switch (fault) {
            case KILL -> kill();
            case ZOMBIE -> zombie();
            case BROKER_RESTART -> brokerRestart();
            case SCALE_UP -> scaleUp();
            case SCALE_DOWN -> scaleDown();
            default -> crash(fault);
        };
        if (done) {
            injected.merge(fault, 1, Integer::sum);
        } else {
            problems.add(fault + " could not be injected: no instance was running");
        }
    }

    private boolean kill() throws InterruptedException {
        int slot = cluster.randomRunning();
        if (slot < 0) {
            return false;
        }
        cluster.kill(slot);
        Thread.sleep(500 + random.nextInt(2_500));
        cluster.start(slot);
        return true;
    }

    private boolean zombie() throws InterruptedException {
        int slot = cluster.randomRunning();
        if (slot < 0) {
            return false;
        }
        cluster.pause(slot);
        Thread.sleep(settings.zombieMillis());
        cluster.resume(slot);
        return true;
    }

    private boolean brokerRestart() throws InterruptedException {
        broker.stop();
        Thread.sleep(settings.brokerDownMillis());
        broker.restart();
        return true;
    }

    private boolean scaleUp() {
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.running(i)) {
                cluster.start(i);
            }
        }
        return true;
    }

    private boolean scaleDown() {
        if (!cluster.running(0)) {
            cluster.start(0);
        }
        for (int i = 1; i < cluster.size(); i++) {
            cluster.terminate(i);
        }
        return true;
    }

    /**
     * Stops an instance cleanly and starts it again with the crash hook armed, so the halt at the
     * crash point is the only unclean event; for DURING_RESTORE its store is wiped first, so it has
     * a whole changelog to replay. The supervisor restarts it without the hook after the halt.
     */
    private boolean crash(Fault fault) throws InterruptedException {
        int slot = cluster.randomRunning();
        if (slot < 0) {
            return false;
        }
        int before = cluster.crashesHit();
        cluster.terminate(slot);
        long after;
        if (fault == Fault.CRASH_DURING_RESTORE) {
            cluster.wipeState(slot);
            after = 1;
        } else {
            after = 1 + random.nextInt(4);
        }
        cluster.startWithCrash(slot, fault.crashPoint(), after);
        long deadline = System.currentTimeMillis() + CRASH_WAIT_MILLIS;
        while (cluster.crashesHit() == before && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        if (cluster.crashesHit() == before) {
            cluster.dumpThreads(fault + " not reached");
            problems.add(fault + ": the instance never reached the crash point");
        }
        return true;
    }

    static void log(String message) {
        System.out.printf("chaos %tT %s%n", System.currentTimeMillis(), message);
    }
}
