package dev.tally.state;

import java.nio.ByteBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A RocksDB iterator bounded by iterate_upper_bound, so RocksDB itself stops at the end of the
 * range (and skips reading past it) instead of this class comparing every key.
 */
final class RocksPaneCursor implements PaneCursor {
    private final RocksPaneStore owner;
    private final byte[] from;
    private final Slice upperBound;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    /** Holds the current full key without allocating a Java array per entry. */
    private ByteBuffer keyBuffer = ByteBuffer.allocateDirect(64);
    private int keyLength;
    private long pane;
    private boolean started;
    private boolean positioned;
    private boolean closed;

    RocksPaneCursor(RocksPaneStore owner, RocksDB db, ColumnFamilyHandle data, byte[] from, byte[] to) {
        this.owner = owner;
        this.from = from;
        this.upperBound = new Slice(to);
        this.readOptions = new ReadOptions().setIterateUpperBound(upperBound);
        this.iterator = db.newIterator(data, readOptions);
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("cursor is closed");
        }
        if (!started) {
            started = true;
            iterator.seek(from);
        } else if (positioned) {
            iterator.next();
        } else {
            return false;
        }
        positioned = iterator.isValid();
        if (!positioned) {
            checkStatus();
            return false;
        }
        readKey();
        pane = PaneKeyLayout.pane(keyBuffer);
        return true;
    }

    private void readKey() {
        keyBuffer.clear();
        keyLength = iterator.key(keyBuffer);
        if (keyLength > keyBuffer.capacity()) {
            keyBuffer = ByteBuffer.allocateDirect(Math.max(keyLength, keyBuffer.capacity() * 2));
            iterator.key(keyBuffer);
        }
    }

    private void checkStatus() {
        try {
            iterator.status();
        } catch (RocksDBException e) {
            throw new StateStoreException("scan failed", e);
        }
    }

    @Override
    public long pane() {
        ensurePositioned();
        return pane;
    }

    @Override
    public byte[] key() {
        ensurePositioned();
        return PaneKeyLayout.userKey(keyBuffer, keyLength);
    }

    @Override
    public byte[] value() {
        ensurePositioned();
        return iterator.value();
    }

    private void ensurePositioned() {
        if (closed || !positioned) {
            throw new IllegalStateException("cursor is not on an entry: call next() first and only while it returns true");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        positioned = false;
        try {
            iterator.close();
            readOptions.close();
            upperBound.close();
        } finally {
            owner.cursorClosed(this);
        }
    }
}
