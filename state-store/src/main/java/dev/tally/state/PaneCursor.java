package dev.tally.state;

/** A forward cursor over (pane, key, value) entries. Usage: {@code while (c.next()) { c.pane(); c.key(); c.value(); }}. */
public interface PaneCursor extends AutoCloseable {

    /** Moves to the next entry; false at the end. */
    boolean next();

    long pane();

    byte[] key();

    byte[] value();

    @Override
    void close();
}
