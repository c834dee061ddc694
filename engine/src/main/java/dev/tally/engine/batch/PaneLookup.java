package dev.tally.engine.batch;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.state.PaneStore;

/**
 * The one pane lookup of a hopping or tumbling task: this batch's panes over the hot-pane cache
 * over the store. The committed value of a pane comes from the cache, else (unless the cache knows
 * it is absent) the store; the batch's deltas, or at the end of the batch its full values, go on
 * top. Window values are then put together by {@link WindowAssembly}.
 */
final class PaneLookup {
    private final int task;
    private final JobPlan plan;
    private final PaneStore store;
    private final PaneCache cache;

    PaneLookup(int task, JobPlan plan, PaneStore store, PaneCache cache) {
        this.task = task;
        this.plan = plan;
        this.store = store;
        this.cache = cache;
    }

    /** The committed value of a pane (shared: never mutate it), or null. */
    Accumulator[] committed(String key, byte[] keyBytes, long pane) {
        Accumulator[] cached = cache.get(pane, key);
        if (cached != null || cache.knowsAbsent(pane)) {
            return cached;
        }
        byte[] b = store.get(task, pane, keyBytes);
        return b == null ? null : plan.decode(b);
    }

    /** A key mid-batch: the committed values with the batch's deltas so far on top. */
    WindowAssembly.Panes midBatch(KeyPanes kp) {
        return new WindowAssembly.Panes() {
            @Override
            public Accumulator[] committed(long pane) {
                return PaneLookup.this.committed(kp.key, kp.keyBytes, pane);
            }

            @Override
            public Accumulator[] batch(long pane) {
                int d = kp.indexOf(pane);
                return d < 0 ? null : kp.deltas[d];
            }
        };
    }

    /** A key at the end of the batch: its panes' full values, the committed values of the others. */
    WindowAssembly.Panes atBatchEnd(KeyPanes kp) {
        return new WindowAssembly.Panes() {
            @Override
            public Accumulator[] committed(long pane) {
                return kp.indexOf(pane) >= 0 ? null : PaneLookup.this.committed(kp.key, kp.keyBytes, pane);
            }

            @Override
            public Accumulator[] batch(long pane) {
                int d = kp.indexOf(pane);
                return d < 0 ? null : kp.full[d];
            }
        };
    }
}
