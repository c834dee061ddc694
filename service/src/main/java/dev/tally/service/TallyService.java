package dev.tally.service;

import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfig;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.service.job.DatabaseSinks;
import dev.tally.service.job.JobGroup;
import dev.tally.service.job.JobStatus;
import dev.tally.service.job.TableLoader;
import dev.tally.service.metrics.JobMetrics;
import dev.tally.service.metrics.StateMetrics;
import dev.tally.state.MemoryBudget;
import dev.tally.state.PaneStore;
import dev.tally.state.StateStores;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every job of a config file, each on its own processing threads, sharing one RocksDB memory budget. */
public final class TallyService implements AutoCloseable {
    private final TallyConfig config;
    private final MeterRegistry registry;
    // Read by HTTP threads, which may serve probes while start() is still adding jobs.
    private final List<JobGroup> jobs = new CopyOnWriteArrayList<>();
    private final List<PaneStore> stores = new CopyOnWriteArrayList<>();
    private final DatabaseSinks databaseSinks = new DatabaseSinks();
    private MemoryBudget budget;
    private volatile boolean closed;
    private StateMetrics stateMetrics;
    private volatile String instanceId;

    public TallyService(TallyConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public void start() {
        instanceId = InstanceIdentity.resolve(config.state());
        budget = StateStores.memoryBudget(config.state().memoryBytes());
        stateMetrics = new StateMetrics(registry, budget);
        KafkaClientSettings settings = new KafkaClientSettings(config.kafka());
        for (JobConfig job : config.jobs()) {
            PaneStore store = StateStores.rocksDb(config.state().dir().resolve(job.name()), budget);
            stores.add(store);
            stateMetrics.bind(job.name(), store);
            JobMetrics metrics = new JobMetrics(registry, job.name());
            JobGroup group = new JobGroup(job, settings, store, instanceId, metrics);
            metrics.bindReadiness(() -> group.status().isReady());
            jobs.add(group);
            group.start();
            databaseSinks.start(job, settings, instanceId, registry);
        }
    }

    public String instanceId() {
        return instanceId;
    }

    public TallyConfig config() {
        return config;
    }

    /** The local state of a job (for pull queries), or null when no job has that name. */
    public PaneStore store(String job) {
        for (int i = 0; i < stores.size(); i++) {
            if (config.jobs().get(i).name().equals(job)) {
                return stores.get(i);
            }
        }
        return null;
    }

    /** A job's database sink as /jobs shows it, or null when it has none. */
    public java.util.Map<String, Object> databaseSink(String job) {
        return databaseSinks.status(job);
    }

    /** Per table of the job: topic, versions stored, lag, records loaded and skipped; empty for an unknown job. */
    public Map<String, Object> tables(String job) {
        for (JobGroup group : jobs) {
            if (group.status().job().equals(job)) {
                return group.tables().status();
            }
        }
        return Map.of();
    }

    /** A job's table loader in this process (its tables, for table pull queries), or null when no job has that name. */
    public TableLoader tableLoader(String job) {
        for (JobGroup group : jobs) {
            if (group.status().job().equals(job)) {
                return group.tables();
            }
        }
        return null;
    }

    public MemoryBudget memoryBudget() {
        return budget;
    }

    public List<JobStatus> statuses() {
        return jobs.stream().map(JobGroup::status).toList();
    }

    public boolean isReady() {
        return !jobs.isEmpty() && jobs.stream().allMatch(j -> j.status().isReady());
    }

    /** Waits until every job thread ended (stopped or failed). */
    public void awaitTermination() throws InterruptedException {
        for (JobGroup j : jobs) {
            j.awaitTermination();
        }
    }

    /** True once {@link #close()} began: local state is about to go away. */
    public boolean isClosing() {
        return closed;
    }

    public boolean anyFailed() {
        return jobs.stream().anyMatch(j -> j.status().state() == JobStatus.State.FAILED);
    }

    /** Each job finishes or drops its open batch, then stops; database sinks stop in {@link #close()}. */
    public void stop() {
        jobs.forEach(JobGroup::stop);
    }

    /** Stops every job, then closes the stores and the memory budget; a second call does nothing. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        awaitTermination();
        // After the jobs: the sinks apply the jobs' last batches before they stop.
        databaseSinks.stop();
        databaseSinks.awaitTermination();
        if (stateMetrics != null) {
            stateMetrics.close();
        }
        stores.forEach(PaneStore::close);
        if (budget != null) {
            budget.close();
        }
    }
}
