package dev.tally.engine.table;

import dev.tally.config.JobConfig;
import dev.tally.config.TableConfig;
import dev.tally.engine.record.TableProjection;
import dev.tally.engine.record.TableView;
import dev.tally.state.TableStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every table of a job over one store, by name: what its record pipelines look records up in. */
public final class JobTables {
    private final Map<String, StoredTable> tables = new LinkedHashMap<>();

    public JobTables(JobConfig job, TableStore store) {
        for (TableConfig t : job.tables().values()) {
            tables.put(t.name(), new StoredTable(t, TableProjection.of(job, t.name()), store));
        }
    }

    public Map<String, StoredTable> all() {
        return Collections.unmodifiableMap(tables);
    }

    public StoredTable get(String name) {
        StoredTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the job has no table named " + name + " (tables: " + tables.keySet() + ")");
        }
        return t;
    }

    /** The views to compile the job's pipelines with. */
    public Map<String, TableView> views() {
        return Collections.unmodifiableMap(tables);
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }
}
