package dev.tally.engine.record;

import dev.tally.config.TransformStep.Missing;
import dev.tally.engine.record.BadRecordException.Reason;

/**
 * Enriches the record from a table: the row of the key field's value, as of the record's time
 * (or the newest row), copied into the output fields. A miss dead-letters the record
 * (LOOKUP_MISSING), keeps it with null outputs, or drops it (counted by the table).
 */
final class LookupStep extends Step {
    private final String tableName;
    private final TableView table;
    private final int keySlot;
    private final String keyField;
    private final int[] outSlots;
    private final int[] rowIndexes;
    private final Missing missing;
    private final boolean latest;
    private final Emit emit;

    /**
     * @param outSlots   the record slots written, one per copied field
     * @param rowIndexes per copied field, its index in the table's row
     * @param latest     look up the newest row instead of the row at the record's time
     * @param emit       reads the record's time, as the job defines it, for as-of lookups
     */
    LookupStep(String tableName, TableView table, int keySlot, String keyField, int[] outSlots, int[] rowIndexes,
               Missing missing, boolean latest, Emit emit) {
        this.tableName = tableName;
        this.table = table;
        this.keySlot = keySlot;
        this.keyField = keyField;
        this.outSlots = outSlots.clone();
        this.rowIndexes = rowIndexes.clone();
        this.missing = missing;
        this.latest = latest;
        this.emit = emit;
    }

    @Override
    void run(Fields fields) throws BadRecordException {
        String key = Values.text(fields, keySlot);
        TableRow row;
        if (key == null) {
            row = TableRow.miss("the lookup key field '" + keyField + "' is missing");
        } else {
            row = table.lookup(key, latest ? Long.MAX_VALUE : emit.time(fields));
        }
        if (row.found()) {
            Object[] values = row.values();
            for (int i = 0; i < outSlots.length; i++) {
                fields.set(outSlots[i], values[rowIndexes[i]]);
            }
            runNext(fields);
            return;
        }
        switch (missing) {
            case KEEP -> {
                for (int slot : outSlots) {
                    fields.setNull(slot);
                }
                runNext(fields);
            }
            case DROP -> table.dropped();
            default -> throw new BadRecordException(Reason.LOOKUP_MISSING, "table " + tableName + ": " + row.miss());
        }
    }
}
