package dev.tally.state;

import java.util.List;
import java.util.Map;

/** Walks a range copied out of the heap store; values are copied again on read, as the map's arrays are shared. */
final class HeapPaneCursor implements PaneCursor {
    private final List<Map.Entry<byte[], byte[]>> entries;
    private int index = -1;
    private boolean closed;

    HeapPaneCursor(List<Map.Entry<byte[], byte[]>> entries) {
        this.entries = entries;
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("cursor is closed");
        }
        if (index < entries.size()) {
            index++;
        }
        return index < entries.size();
    }

    @Override
    public long pane() {
        return PaneKeyLayout.pane(current().getKey());
    }

    @Override
    public byte[] key() {
        return PaneKeyLayout.userKey(current().getKey());
    }

    @Override
    public byte[] value() {
        return current().getValue().clone();
    }

    private Map.Entry<byte[], byte[]> current() {
        if (closed || index < 0 || index >= entries.size()) {
            throw new IllegalStateException("cursor is not on an entry: call next() first and only while it returns true");
        }
        return entries.get(index);
    }

    @Override
    public void close() {
        closed = true;
    }
}
