package dev.tally.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Operations recorded in order, because order matters as in a RocksDB WriteBatch (a range delete
 * after a put removes it). Keys are encoded and values copied when added, as RocksDB copies them
 * into its batch, so the caller may reuse its arrays.
 */
final class HeapStoreBatch implements StoreBatch {
    sealed interface Op permits Put, Delete, DeleteRange, Checkpoint {
    }

    record Put(byte[] key, byte[] value) implements Op {
    }

    record Delete(byte[] key) implements Op {
    }

    record DeleteRange(byte[] from, byte[] to) implements Op {
    }

    record Checkpoint(int task, byte[] record) implements Op {
    }

    private final HeapPaneStore owner;
    private final List<Op> ops = new ArrayList<>();
    private boolean closed;

    HeapStoreBatch(HeapPaneStore owner) {
        this.owner = owner;
    }

    @Override
    public void put(int task, long pane, byte[] key, byte[] value) {
        add(new Put(PaneKeyLayout.key(task, pane, key), value.clone()));
    }

    @Override
    public void delete(int task, long pane, byte[] key) {
        add(new Delete(PaneKeyLayout.key(task, pane, key)));
    }

    @Override
    public void deletePanesBefore(int task, long pane) {
        add(new DeleteRange(PaneKeyLayout.taskStart(task), PaneKeyLayout.paneStart(task, pane)));
    }

    @Override
    public void checkpoint(int task, TaskCheckpoint checkpoint) {
        add(new Checkpoint(PaneKeyLayout.checkTask(task), PaneKeyLayout.encodeCheckpoint(checkpoint)));
    }

    private void add(Op op) {
        if (closed) {
            throw new IllegalStateException("batch is closed");
        }
        ops.add(op);
    }

    @Override
    public int size() {
        return ops.size();
    }

    boolean belongsTo(HeapPaneStore store) {
        return owner == store;
    }

    List<Op> ops() {
        if (closed) {
            throw new IllegalStateException("batch is closed");
        }
        return ops;
    }

    @Override
    public void close() {
        closed = true;
        ops.clear();
    }
}
