package dev.tally.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TableStore} logic over an ordered key-value space laid out by {@link TableKeyLayout}:
 * RocksDB ({@link RocksTables}) or a sorted heap map ({@link HeapTables}) underneath. Values are
 * stored with a one-byte marker (1: value, 0: tombstone). An optional bounded heap cache holds the
 * newest version (or the absence) of recently read keys: a lookup at or after that version's time
 * is answered without touching the store, which is the common case of a live stream.
 */
abstract class VersionedTables implements TableStore {
    private static final TableVersion ABSENT = new TableVersion(Long.MIN_VALUE, new byte[0]);

    /** One write of the atomic batch: a put (value non-null) or a range delete [key, end). */
    record Write(byte[] key, byte[] value, byte[] end) {
    }

    private final Map<String, TableVersion> cache;
    private final Map<String, Long> newest = new ConcurrentHashMap<>();
    /** Bumped by every apply: a lookup that raced with one does not fill the cache with what it read. */
    private volatile long generation;

    VersionedTables(int cacheEntries) {
        this.cache = cacheEntries <= 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TableVersion> eldest) {
                return size() > cacheEntries;
            }
        };
    }

    /** The value under {@code key}, or null. */
    abstract byte[] get(byte[] key);

    /** Visits entries with {@code from <= key < to} in order until {@code visitor} returns false. */
    abstract void scan(byte[] from, byte[] to, Visitor visitor);

    /** Applies the writes atomically, in order. */
    abstract void write(List<Write> writes);

    interface Visitor {
        boolean visit(byte[] key, byte[] value);
    }

    @Override
    public TableVersion lookup(String table, String key, long asOf) {
        String cacheKey = cache == null ? null : table + '\u0000' + key;
        long seen = generation;
        if (cache != null) {
            TableVersion hot;
            synchronized (cache) {
                hot = cache.get(cacheKey);
            }
            if (hot == ABSENT) {
                return null;
            }
            if (hot != null && hot.time() <= asOf) {
                return hot;
            }
        }
        byte[] prefix = TableKeyLayout.keyPrefix(table, key);
        TableVersion[] found = new TableVersion[2];
        scan(prefix, TableKeyLayout.prefixEnd(prefix), (k, v) -> {
            TableVersion version = new TableVersion(TableKeyLayout.timeOf(k), v[0] == 0 ? null : java.util.Arrays.copyOfRange(v, 1, v.length));
            if (found[1] == null) {
                found[1] = version;
            }
            if (version.time() <= asOf) {
                found[0] = version;
                return false;
            }
            return true;
        });
        if (cache != null) {
            synchronized (cache) {
                if (generation == seen) {
                    cache.put(cacheKey, found[1] == null ? ABSENT : found[1]);
                }
            }
        }
        return found[0];
    }

    @Override
    public TableWrites newWrites() {
        return new PendingTableWrites(this);
    }

    @Override
    public synchronized void apply(TableWrites writes) {
        if (!(writes instanceof PendingTableWrites pending) || pending.owner != this) {
            throw new IllegalArgumentException("writes were not created by this store's newWrites()");
        }
        List<Write> out = new ArrayList<>();
        Map<String, Long> newestNow = new HashMap<>();
        for (PendingTableWrites.Put put : pending.puts) {
            byte[] prefix = TableKeyLayout.keyPrefix(put.table(), put.key());
            if (put.pruneBefore() != Long.MIN_VALUE) {
                byte[] from = prunedFrom(prefix, put.pruneBefore());
                if (from != null) {
                    out.add(new Write(from, null, TableKeyLayout.prefixEnd(prefix)));
                }
            }
            out.add(new Write(TableKeyLayout.version(prefix, put.time()), marked(put.value()), null));
            newestNow.merge(put.table(), put.time(), Math::max);
        }
        newestNow.replaceAll((table, time) -> Math.max(time, newestTime(table)));
        newestNow.forEach((table, time) -> out.add(new Write(TableKeyLayout.tableKey(TableKeyLayout.NEWEST, table),
                TableKeyLayout.longBytes(time), null)));
        for (PendingTableWrites.Offset o : pending.offsets) {
            out.add(new Write(TableKeyLayout.offsetKey(o.table(), o.partition()), TableKeyLayout.longBytes(o.nextOffset()), null));
        }
        write(out);
        newest.putAll(newestNow);
        if (cache != null) {
            synchronized (cache) {
                generation++;
                for (PendingTableWrites.Put put : pending.puts) {
                    String cacheKey = put.table() + '\u0000' + put.key();
                    TableVersion hot = cache.get(cacheKey);
                    if (hot == ABSENT || hot != null && put.time() >= hot.time()) {
                        cache.put(cacheKey, new TableVersion(put.time(), put.value()));
                    }
                }
            }
        }
    }

    /**
     * Where the versions of a key stop mattering: after the newest one at or before
     * {@code pruneBefore} (still valid then), every older version was replaced by that time.
     */
    private byte[] prunedFrom(byte[] prefix, long pruneBefore) {
        byte[][] first = new byte[1][];
        boolean[] valid = new boolean[1];
        scan(prefix, TableKeyLayout.prefixEnd(prefix), (k, v) -> {
            if (valid[0]) {
                first[0] = k;
                return false;
            }
            valid[0] = TableKeyLayout.timeOf(k) <= pruneBefore;
            return true;
        });
        return first[0];
    }

    private static byte[] marked(byte[] value) {
        if (value == null) {
            return new byte[] {0};
        }
        byte[] m = new byte[value.length + 1];
        m[0] = 1;
        System.arraycopy(value, 0, m, 1, value.length);
        return m;
    }

    @Override
    public Map<Integer, Long> offsets(String table) {
        Map<Integer, Long> offsets = new HashMap<>();
        byte[] prefix = TableKeyLayout.tableKey(TableKeyLayout.OFFSET, table);
        scan(prefix, TableKeyLayout.prefixEnd(prefix), (k, v) -> {
            offsets.put(TableKeyLayout.partitionOf(k), TableKeyLayout.longOf(v));
            return true;
        });
        return offsets;
    }

    @Override
    public long newestTime(String table) {
        return newest.computeIfAbsent(table, t -> {
            byte[] stored = get(TableKeyLayout.tableKey(TableKeyLayout.NEWEST, t));
            return stored == null ? Long.MIN_VALUE : TableKeyLayout.longOf(stored);
        });
    }
}
