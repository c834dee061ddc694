package dev.tally.service.metrics;

import dev.tally.state.MemoryBudget;
import dev.tally.state.PaneStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Local state size: keys and bytes on disk per job, and the one RocksDB memory budget of the
 * process (block cache, memtables, capacity). Close it before closing the stores: a gauge read
 * on a closed RocksDB handle would crash the process, so reads and close exclude each other.
 */
public final class StateMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private boolean closed;

    public StateMetrics(MeterRegistry registry, MemoryBudget budget) {
        this.registry = registry;
        gauge("tally.state.block.cache", "bytes", "RocksDB shared block cache in use", budget, MemoryBudget::blockCacheBytes, null);
        gauge("tally.state.memtable", "bytes", "RocksDB memtables of every store", budget, MemoryBudget::memtableBytes, null);
        gauge("tally.state.memory.budget", "bytes", "The one RocksDB memory budget of this process (state.memory)",
                budget, MemoryBudget::capacityBytes, null);
    }

    /** The size gauges of one job's store. */
    public synchronized void bind(String job, PaneStore store) {
        gauge("tally.state.keys", "keys", "Approximate entries (key x pane) in local state", store, PaneStore::approximateEntries, job);
        gauge("tally.state.disk", "bytes", "Approximate bytes of local state (SST files and memtables)",
                store, PaneStore::approximateBytes, job);
    }

    private <T> void gauge(String name, String unit, String description, T source, ToDoubleFunction<T> read, String job) {
        Gauge.Builder<T> b = Gauge.builder(name, source, s -> read(s, read)).baseUnit(unit).description(description)
                .strongReference(true);
        if (job != null) {
            b.tag("job", job);
        }
        meters.add(b.register(registry));
    }

    private synchronized <T> double read(T source, ToDoubleFunction<T> read) {
        return closed ? Double.NaN : read.applyAsDouble(source);
    }

    @Override
    public void close() {
        List<Meter> registered;
        synchronized (this) {
            closed = true;
            registered = new ArrayList<>(meters);
            meters.clear();
        }
        // Outside the lock: a scrape may hold the registry's locks while it waits in read().
        registered.forEach(registry::remove);
    }
}
