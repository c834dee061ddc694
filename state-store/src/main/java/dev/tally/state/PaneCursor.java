package dev.tally.state;

/** A forward cursor over (pane, key, value) entries. Usage: {@code while (c.next()) { c.pane(); c.key(); c.value(); }}. */
public interface PaneCursor extends AutoCloseable {

    /** Moves to the next entry; false at the end. */
    boolean next();

    long pane();

    /** A fresh copy of the current key; the caller may keep or modify it. */
    byte[] key();

    /** A fresh copy of the current value; the caller may keep or modify it. */
    byte[] value();

    @Override
    void close();
}
