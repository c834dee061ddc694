package dev.tally.state;

import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Tables in the {@code tables} column family of a job's RocksDB store: the same database, block
 * cache and write-buffer manager (one memory budget) as its panes. A lookup is one seek; the
 * newest versions of hot keys are also kept in a bounded heap cache.
 */
final class RocksTables extends VersionedTables {
    /** Newest versions cached on the heap: ~100 bytes each, so ~10 MB at most. */
    static final int CACHE_ENTRIES = 100_000;

    private final RocksPaneStore owner;
    private final RocksDB db;
    private final ColumnFamilyHandle tables;
    private final WriteOptions writeOptions;

    RocksTables(RocksPaneStore owner, RocksDB db, ColumnFamilyHandle tables, WriteOptions writeOptions) {
        super(CACHE_ENTRIES);
        this.owner = owner;
        this.db = db;
        this.tables = tables;
        this.writeOptions = writeOptions;
    }

    @Override
    byte[] get(byte[] key) {
        owner.ensureOpen();
        try {
            return db.get(tables, key);
        } catch (RocksDBException e) {
            throw new StateStoreException("table read failed", e);
        }
    }

    @Override
    void scan(byte[] from, byte[] to, Visitor visitor) {
        owner.ensureOpen();
        try (Slice upper = new Slice(to);
             ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(tables, options)) {
            for (it.seek(from); it.isValid(); it.next()) {
                if (!visitor.visit(it.key(), it.value())) {
                    return;
                }
            }
        }
    }

    @Override
    void write(List<Write> writes) {
        owner.ensureOpen();
        try (WriteBatch batch = new WriteBatch()) {
            for (Write w : writes) {
                if (w.end() != null) {
                    batch.deleteRange(tables, w.key(), w.end());
                } else {
                    batch.put(tables, w.key(), w.value());
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StateStoreException("table write failed", e);
        }
    }

    @Override
    public long approximateVersions(String table) {
        owner.ensureOpen();
        try {
            // Per column family, not per table: a job with one table (the usual case) reads it exactly enough.
            return db.getLongProperty(tables, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new StateStoreException("table size read failed", e);
        }
    }
}
