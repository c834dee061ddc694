package dev.tally.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The instance slots of a run and a supervisor that plays the operator's process manager: an
 * instance that halted at its crash point is started again (without it), and an instance that
 * died or whose job failed on its own is restarted too, but counted, because that is a bug.
 */
final class Cluster implements AutoCloseable {
    private enum Want { RUNNING, DOWN, PAUSED }

    private final List<TallyProcess> slots;
    private final Want[] want;
    private final SplittableRandom random;
    private final Thread supervisor;
    private volatile boolean closing;
    private int crashesHit;
    private int unexpectedExits;
    private int jobFailures;
    private final List<String> problems = new ArrayList<>();

    Cluster(List<TallyProcess> slots, long seed) {
        this.slots = List.copyOf(slots);
        this.want = new Want[slots.size()];
        Arrays.fill(want, Want.DOWN);
        this.random = new SplittableRandom(seed);
        this.supervisor = new Thread(this::supervise, "chaos-supervisor");
        this.supervisor.setDaemon(true);
        this.supervisor.start();
    }

    synchronized void start(int slot) {
        slots.get(slot).start(null, 0);
        want[slot] = Want.RUNNING;
    }

    synchronized void startWithCrash(int slot, String point, long after) {
        slots.get(slot).start(point, after);
        want[slot] = Want.RUNNING;
    }

    synchronized int size() {
        return slots.size();
    }

    synchronized boolean running(int slot) {
        return want[slot] == Want.RUNNING && slots.get(slot).alive();
    }

    /** A random slot that is running and not paused, or -1. */
    synchronized int randomRunning() {
        List<Integer> up = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            if (running(i)) {
                up.add(i);
            }
        }
        return up.isEmpty() ? -1 : up.get(random.nextInt(up.size()));
    }

    synchronized void kill(int slot) {
        want[slot] = Want.DOWN;
        slots.get(slot).kill();
    }

    synchronized void terminate(int slot) {
        want[slot] = Want.DOWN;
        slots.get(slot).terminate();
    }

    synchronized void pause(int slot) {
        want[slot] = Want.PAUSED;
        slots.get(slot).pause();
    }

    synchronized void resume(int slot) {
        slots.get(slot).resume();
        want[slot] = Want.RUNNING;
    }

    synchronized void dumpThreads(String why) {
        for (int i = 0; i < slots.size(); i++) {
            if (want[i] == Want.RUNNING) {
                slots.get(i).dumpThreads(why);
            }
        }
    }

    synchronized void wipeState(int slot) {
        slots.get(slot).wipeState();
    }

    /** Instances that halted at their crash point (exit code 137 while armed). */
    synchronized int crashesHit() {
        return crashesHit;
    }

    synchronized int unexpectedExits() {
        return unexpectedExits;
    }

    synchronized int jobFailures() {
        return jobFailures;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void supervise() {
        while (!closing) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            check();
        }
    }

    private synchronized void check() {
        if (closing) {
            return;
        }
        for (int i = 0; i < slots.size(); i++) {
            TallyProcess p = slots.get(i);
            if (want[i] != Want.RUNNING) {
                continue;
            }
            if (!p.alive()) {
                Integer code = p.exitCode();
                if (p.crashPoint() != null && code != null && code == 137) {
                    crashesHit++;
                } else {
                    unexpectedExits++;
                    problems.add(p.id() + " exited on its own with code " + code);
                }
                p.start(null, 0);
            } else if (p.errorLine() != null) {
                jobFailures++;
                problems.add(p.id() + " logged: " + p.errorLine());
                p.kill();
                p.start(null, 0);
            }
        }
    }

    /** SIGTERM every instance (resuming paused ones first). */
    @Override
    public void close() {
        closing = true;
        supervisor.interrupt();
        synchronized (this) {
            for (int i = 0; i < slots.size(); i++) {
                if (want[i] == Want.PAUSED) {
                    slots.get(i).resume();
                }
                want[i] = Want.DOWN;
                slots.get(i).terminate();
            }
        }
    }
}
