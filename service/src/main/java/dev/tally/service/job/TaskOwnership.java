package dev.tally.service.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which thread of this process writes a task's local state: a processing thread that restores and
 * processes it, or the standby thread that keeps it warm. The job's threads share one store, and
 * two threads writing one task at once (a thread whose partitions were lost but has not yet heard
 * of it, and the thread the group gave them to) would interleave two histories in one RocksDB
 * task. So a thread acquires a task before it restores or opens it and releases it when it gives
 * the task up. A second acquirer is refused, never blocked (it may be inside a rebalance callback);
 * a processing thread keeps the task paused and asks again from its loop ({@link Holder}).
 */
final class TaskOwnership {
    private final String job;
    /** Task -> the thread holding it. Guarded by this. */
    private final Map<Integer, String> owners = new HashMap<>();

    TaskOwnership(String job) {
        this.job = job;
    }

    /** True when {@code owner} holds the task now, already held it or took it; false when another thread holds it. */
    synchronized boolean tryAcquire(int task, String owner) {
        String current = owners.putIfAbsent(task, owner);
        return current == null || current.equals(owner);
    }

    /** Gives the task up if {@code owner} holds it; a release by a thread that does not hold it changes nothing. */
    synchronized void release(int task, String owner) {
        owners.remove(task, owner);
    }

    synchronized void releaseAll(String owner) {
        owners.values().removeIf(owner::equals);
    }

    /** The thread holding the task, or null. */
    synchronized String owner(int task) {
        return owners.get(task);
    }

    /** The rule, checked where state is written: a thread touches only tasks it holds. */
    synchronized void check(int task, String owner) {
        if (!owner.equals(owners.get(task))) {
            throw new IllegalStateException("job " + job + ": " + owner + " would write task " + task
                    + " which " + (owners.containsKey(task) ? owners.get(task) + " holds" : "nobody holds"));
        }
    }

    /** One processing thread's side: the tasks it holds and those it waits for. */
    Holder holder(String owner) {
        return new Holder(owner);
    }

    final class Holder {
        private final String owner;
        /** Assigned to this thread but held by another one here: paused until it lets go. */
        private final Set<Integer> waiting = new LinkedHashSet<>();

        private Holder(String owner) {
            this.owner = owner;
        }

        String name() {
            return owner;
        }

        /** Takes what is free of {@code tasks} and returns it; the rest waits for {@link #acquireWaiting}. */
        List<Integer> acquire(Collection<Integer> tasks) {
            List<Integer> got = new ArrayList<>();
            for (Integer t : tasks) {
                if (tryAcquire(t, owner)) {
                    waiting.remove(t);
                    got.add(t);
                } else {
                    waiting.add(t);
                }
            }
            return got;
        }

        /** Asked from the loop: the waiting tasks another thread let go of since, now held here. */
        List<Integer> acquireWaiting() {
            return waiting.isEmpty() ? List.of() : acquire(new ArrayList<>(waiting));
        }

        boolean isWaiting() {
            return !waiting.isEmpty();
        }

        /** The tasks of {@code tasks} held here (a task still waiting is not restarted). */
        List<Integer> held(Collection<Integer> tasks) {
            return tasks.stream().filter(t -> owner.equals(owner(t))).toList();
        }

        void release(Collection<Integer> tasks) {
            for (Integer t : tasks) {
                waiting.remove(t);
                TaskOwnership.this.release(t, owner);
            }
        }

        void releaseAll() {
            waiting.clear();
            TaskOwnership.this.releaseAll(owner);
        }

        void check(int task) {
            TaskOwnership.this.check(task, owner);
        }
    }
}
