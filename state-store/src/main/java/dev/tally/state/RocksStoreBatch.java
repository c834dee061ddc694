package dev.tally.state;

import java.nio.ByteBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Collects a batch in a native WriteBatch. Keys and values pass through reusable direct buffers,
 * which RocksJava copies straight into the batch: no Java array per put.
 */
final class RocksStoreBatch implements StoreBatch {
    private static final int INITIAL_BUFFER = 256;

    private final RocksPaneStore owner;
    private final ColumnFamilyHandle data;
    private final ColumnFamilyHandle checkpoints;
    private final WriteBatch batch = new WriteBatch();
    private ByteBuffer keyBuffer = ByteBuffer.allocateDirect(INITIAL_BUFFER);
    private ByteBuffer valueBuffer = ByteBuffer.allocateDirect(INITIAL_BUFFER);
    private int size;
    private boolean closed;

    RocksStoreBatch(RocksPaneStore owner, ColumnFamilyHandle data, ColumnFamilyHandle checkpoints) {
        this.owner = owner;
        this.data = data;
        this.checkpoints = checkpoints;
    }

    @Override
    public void put(int task, long pane, byte[] key, byte[] value) {
        ensureOpen();
        keyBuffer = fill(keyBuffer, task, pane, key);
        valueBuffer = capacity(valueBuffer, value.length);
        valueBuffer.put(value).flip();
        try {
            batch.put(data, keyBuffer, valueBuffer);
        } catch (RocksDBException e) {
            throw new StateStoreException("batch put failed", e);
        }
        size++;
    }

    @Override
    public void delete(int task, long pane, byte[] key) {
        ensureOpen();
        keyBuffer = fill(keyBuffer, task, pane, key);
        try {
            batch.delete(data, keyBuffer);
        } catch (RocksDBException e) {
            throw new StateStoreException("batch delete failed", e);
        }
        size++;
    }

    @Override
    public void deletePanesBefore(int task, long pane) {
        ensureOpen();
        try {
            batch.deleteRange(data, PaneKeyLayout.taskStart(task), PaneKeyLayout.paneStart(task, pane));
        } catch (RocksDBException e) {
            throw new StateStoreException("batch range delete failed", e);
        }
        size++;
    }

    @Override
    public void checkpoint(int task, TaskCheckpoint checkpoint) {
        ensureOpen();
        try {
            batch.put(checkpoints, PaneKeyLayout.checkpointKey(task), PaneKeyLayout.encodeCheckpoint(checkpoint));
        } catch (RocksDBException e) {
            throw new StateStoreException("batch checkpoint failed", e);
        }
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    boolean belongsTo(RocksPaneStore store) {
        return owner == store;
    }

    WriteBatch writeBatch() {
        ensureOpen();
        return batch;
    }

    private static ByteBuffer fill(ByteBuffer buffer, int task, long pane, byte[] key) {
        ByteBuffer out = capacity(buffer, PaneKeyLayout.PREFIX_BYTES + key.length);
        PaneKeyLayout.write(out, task, pane, key);
        return out.flip();
    }

    /** The buffer cleared, or a larger one if it cannot hold {@code needed} bytes. */
    private static ByteBuffer capacity(ByteBuffer buffer, int needed) {
        if (buffer.capacity() >= needed) {
            return buffer.clear();
        }
        return ByteBuffer.allocateDirect(Math.max(needed, buffer.capacity() * 2));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("batch is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            batch.close();
        }
    }
}
