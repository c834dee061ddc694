package dev.tally.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB pane store: entries in the default column family under {@link PaneKeyLayout} keys,
 * checkpoints in the {@code checkpoints} column family, so range scans and range deletes of
 * entries never meet a checkpoint while one WriteBatch still spans both.
 *
 * <p>Writes use the WAL without fsync: a crash of the machine may lose the newest batches, but
 * point-in-time WAL recovery never splits a batch, so the stored checkpoint still describes the
 * stored entries and the changelog replays the rest.
 */
final class RocksPaneStore implements PaneStore {
    private static final byte[] CHECKPOINTS_CF = "checkpoints".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TABLES_CF = "tables".getBytes(StandardCharsets.UTF_8);
    private static final double BLOOM_BITS_PER_KEY = 10;
    private static final long BYTES_PER_SYNC = 1L << 20;
    private static final long CHECKPOINT_WRITE_BUFFER = 1L << 20;

    private final Path dir;
    private final RocksMemoryBudget budget;
    /** Every native object this store created, closed in reverse order. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Set<RocksPaneCursor> openCursors = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<byte[]> getKeyScratch = ThreadLocal.withInitial(() -> new byte[64]);
    private final ReadOptions readOptions;
    private final WriteOptions writeOptions;
    private RocksDB db;
    private ColumnFamilyHandle data;
    private ColumnFamilyHandle checkpoints;
    private RocksTables tables;
    private volatile boolean closed;

    RocksPaneStore(Path dir, RocksMemoryBudget budget) {
        this.dir = dir;
        this.budget = budget;
        this.readOptions = own(new ReadOptions());
        this.writeOptions = own(new WriteOptions());
        try {
            Files.createDirectories(dir);
            open();
        } catch (IOException | RocksDBException | RuntimeException e) {
            StateStoreException failure = new StateStoreException("cannot open RocksDB store in " + dir, e);
            try {
                releaseNative();
            } catch (StateStoreException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
            throw failure;
        }
        budget.register(this);
    }

    private void open() throws RocksDBException {
        BloomFilter bloom = own(new BloomFilter(BLOOM_BITS_PER_KEY, false));
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(budget.cache())
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFilterPolicy(bloom);
        ColumnFamilyOptions dataOptions = own(new ColumnFamilyOptions())
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setWriteBufferSize(budget.writeBufferSize())
                .setMaxWriteBufferNumber(3);
        ColumnFamilyOptions checkpointOptions = own(new ColumnFamilyOptions())
                .setTableFormatConfig(table)
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setWriteBufferSize(Math.min(CHECKPOINT_WRITE_BUFFER, budget.writeBufferSize()));
        DBOptions dbOptions = own(new DBOptions())
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(budget.writeBufferManager())
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(BYTES_PER_SYNC)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(3);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, dataOptions),
                new ColumnFamilyDescriptor(CHECKPOINTS_CF, checkpointOptions),
                new ColumnFamilyDescriptor(TABLES_CF, dataOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } finally {
            // Handles must close before the DB, and are added after it so reverse order does that.
            if (db != null) {
                owned.add(db);
            }
            handles.forEach(this::own);
        }
        data = handles.get(0);
        checkpoints = handles.get(1);
        tables = new RocksTables(this, db, handles.get(2), writeOptions);
    }

    private <T extends AutoCloseable> T own(T nativeObject) {
        owned.add(nativeObject);
        return nativeObject;
    }

    @Override
    public byte[] get(int task, long pane, byte[] key) {
        ensureOpen();
        byte[] scratch = getKeyScratch.get();
        int length = PaneKeyLayout.PREFIX_BYTES + key.length;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            getKeyScratch.set(scratch);
        }
        PaneKeyLayout.write(scratch, task, pane, key);
        try {
            return db.get(data, readOptions, scratch, 0, length);
        } catch (RocksDBException e) {
            throw failure("get", e);
        }
    }

    @Override
    public TableStore tables() {
        ensureOpen();
        return tables;
    }

    @Override
    public PaneCursor scan(int task, long fromPane, long toPane) {
        ensureOpen();
        byte[] from = PaneKeyLayout.paneStart(task, fromPane);
        byte[] to = PaneKeyLayout.paneStart(task, toPane);
        RocksPaneCursor cursor = new RocksPaneCursor(this, db, data, from, to);
        openCursors.add(cursor);
        return cursor;
    }

    void cursorClosed(RocksPaneCursor cursor) {
        openCursors.remove(cursor);
    }

    @Override
    public TaskCheckpoint checkpoint(int task) {
        ensureOpen();
        try {
            byte[] stored = db.get(checkpoints, readOptions, PaneKeyLayout.checkpointKey(task));
            return stored == null ? TaskCheckpoint.NONE : PaneKeyLayout.decodeCheckpoint(stored);
        } catch (RocksDBException e) {
            throw failure("read checkpoint", e);
        }
    }

    @Override
    public StoreBatch newBatch() {
        ensureOpen();
        return new RocksStoreBatch(this, data, checkpoints);
    }

    @Override
    public void apply(StoreBatch batch) {
        ensureOpen();
        if (!(batch instanceof RocksStoreBatch rocksBatch) || !rocksBatch.belongsTo(this)) {
            throw new IllegalArgumentException("batch was not created by this store's newBatch()");
        }
        write(rocksBatch.writeBatch(), "apply batch");
    }

    @Override
    public void dropTask(int task) {
        ensureOpen();
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(data, PaneKeyLayout.taskStart(task), PaneKeyLayout.taskEnd(task));
            batch.delete(checkpoints, PaneKeyLayout.checkpointKey(task));
            write(batch, "drop task " + task);
        } catch (RocksDBException e) {
            throw failure("drop task " + task, e);
        }
    }

    private void write(WriteBatch batch, String what) {
        try {
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw failure(what, e);
        }
    }

    @Override
    public synchronized long approximateEntries() {
        ensureOpen();
        return property(() -> db.getLongProperty(data, "rocksdb.estimate-num-keys"));
    }

    @Override
    public synchronized long approximateBytes() {
        ensureOpen();
        return property(() -> db.getAggregatedLongProperty("rocksdb.total-sst-files-size")
                + db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables"));
    }

    /** For the budget's metric; 0 once closed, since the budget may ask while a store closes. */
    synchronized long memtableBytes() {
        return closed ? 0 : property(() -> db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables"));
    }

    private interface Property {
        long read() throws RocksDBException;
    }

    private long property(Property property) {
        try {
            return property.read();
        } catch (RocksDBException e) {
            throw failure("read property", e);
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store in " + dir + " is closed");
        }
    }

    private StateStoreException failure(String what, RocksDBException e) {
        return new StateStoreException(what + " failed in " + dir, e);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // Iterators must be released before the DB that backs them.
            for (RocksPaneCursor cursor : List.copyOf(openCursors)) {
                cursor.close();
            }
            releaseNative();
        } finally {
            budget.unregister(this);
        }
    }

    private void releaseNative() {
        StateStoreException failure = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                AutoCloseable handle = owned.get(i);
                if (handle instanceof RocksDB rocks) {
                    rocks.closeE();
                } else {
                    handle.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new StateStoreException("closing RocksDB store in " + dir + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        owned.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
