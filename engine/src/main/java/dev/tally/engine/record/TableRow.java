package dev.tally.engine.record;

/**
 * The result of a table lookup: the row's values (in {@link TableView#fields()} order), or a miss.
 *
 * @param miss null for a hit; otherwise why there is no row, for the dead-letter message
 */
public record TableRow(Object[] values, String miss) {
    public static TableRow hit(Object[] values) {
        return new TableRow(values, null);
    }

    public static TableRow miss(String why) {
        return new TableRow(null, why);
    }

    public boolean found() {
        return miss == null;
    }
}
