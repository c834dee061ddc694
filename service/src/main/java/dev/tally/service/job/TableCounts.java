package dev.tally.service.job;

import dev.tally.engine.table.StoredTable;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What an operator sees of one table; written by the loading thread, read by HTTP and scrapes. */
public final class TableCounts {
    /** Records applied by this process since it started: after a restart, only the tail. */
    public final LongAdder loaded = new LongAdder();
    final Map<StoredTable.Rejection, LongAdder> skipped = new EnumMap<>(StoredTable.Rejection.class);
    volatile long lag = -1;

    TableCounts() {
        for (StoredTable.Rejection r : StoredTable.Rejection.values()) {
            skipped.put(r, new LongAdder());
        }
    }

    public long skipped(StoredTable.Rejection r) {
        return skipped.get(r).sum();
    }

    /** Records of the table topic not yet applied; -1 while unknown (before the consumer fetched from every partition). */
    public long lag() {
        return lag;
    }
}
