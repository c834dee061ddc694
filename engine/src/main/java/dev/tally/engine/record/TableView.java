package dev.tally.engine.record;

import java.util.List;

/**
 * A table as a lookup step sees it: the values of some fields of a key's row at a time. The
 * implementations keep versions (a row is valid from its record's time until the next one), so
 * a lookup by event time enriches a replayed record the same way as the first time.
 */
public interface TableView {

    /** The table fields a row holds, in the order of {@link TableRow#values()}. */
    List<String> fields();

    /**
     * The row of {@code key} valid at {@code asOf} ({@link Long#MAX_VALUE}: the newest), or a miss
     * saying why: no row by then, deleted by then, or {@code asOf} is older than the table's history.
     */
    TableRow lookup(String key, long asOf);

    /** A record was dropped because this table had no row for it ({@code missing: drop}); counted. */
    void dropped();
}
