package dev.shale.lsm.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link BenchDb} over RocksJava with the settings matched to Shale's: the same memtable size and
 * count, block size, restart interval, bloom bits, codec on every level, block cache size, level
 * shape and stall triggers (Shale's defaults are RocksDB's), one flush thread plus the same number
 * of compaction threads, WAL on.
 */
final class RocksJavaBenchDb implements BenchDb {
  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final WriteOptions noSync;
  private final WriteOptions sync;
  private final ReadOptions readOptions;
  private final List<RocksObject> owned;
  private boolean closed;

  private RocksJavaBenchDb(RocksDB db, List<RocksObject> owned) {
    this.db = db;
    this.owned = owned;
    this.noSync = new WriteOptions();
    this.sync = new WriteOptions().setSync(true);
    this.readOptions = new ReadOptions();
    owned.add(noSync);
    owned.add(sync);
    owned.add(readOptions);
  }

  /** The RocksDB version of the loaded native library. */
  static String version() {
    return RocksDB.rocksdbVersion().toString();
  }

  static RocksJavaBenchDb open(Path directory, EngineSettings s) {
    List<RocksObject> owned = new ArrayList<>();
    LRUCache cache = new LRUCache(s.blockCacheBytes());
    BloomFilter filter = new BloomFilter(s.bloomBitsPerKey(), false);
    owned.add(cache);
    owned.add(filter);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockSize(s.blockBytes())
            .setBlockRestartInterval(16)
            .setBlockCache(cache)
            .setWholeKeyFiltering(true);
    if (s.bloomBitsPerKey() > 0) {
      table.setFilterPolicy(filter);
    }
    Options options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(s.memtableBytes())
            .setMaxWriteBufferNumber(s.maxImmutableMemtables() + 1)
            .setMaxBackgroundJobs(s.compactionThreads() + 1)
            .setCompressionType(codec(s.compression()))
            .setNumLevels(7)
            .setLevel0FileNumCompactionTrigger(4)
            .setLevel0SlowdownWritesTrigger(20)
            .setLevel0StopWritesTrigger(36)
            .setMaxBytesForLevelBase(256L << 20)
            .setMaxBytesForLevelMultiplier(10)
            .setLevelCompactionDynamicLevelBytes(true)
            .setTargetFileSizeBase(64L << 20)
            .setTableFormatConfig(table);
    owned.add(options);
    try {
      RocksDB db = RocksDB.open(options, directory.toString());
      return new RocksJavaBenchDb(db, owned);
    } catch (RocksDBException e) {
      owned.forEach(RocksObject::close);
      throw new IllegalStateException("cannot open RocksDB in " + directory, e);
    }
  }

  private static CompressionType codec(String name) {
    return switch (name) {
      case "none" -> CompressionType.NO_COMPRESSION;
      case "lz4" -> CompressionType.LZ4_COMPRESSION;
      default -> throw new IllegalArgumentException("compression '" + name + "': use none or lz4");
    };
  }

  @Override
  public void put(byte[] key, byte[] value, boolean sync) {
    try {
      db.put(sync ? this.sync : noSync, key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int count) {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < count; i++) {
        batch.put(keys[i], values[i]);
      }
      db.write(noSync, batch);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    try {
      return db.get(readOptions, key);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Cursor cursor() {
    RocksIterator it = db.newIterator(readOptions);
    return new Cursor() {
      @Override
      public void seek(byte[] key) {
        it.seek(key);
      }

      @Override
      public boolean isValid() {
        return it.isValid();
      }

      @Override
      public void next() {
        it.next();
      }

      @Override
      public byte[] key() {
        return it.key();
      }

      @Override
      public byte[] value() {
        return it.value();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  @Override
  public void flushAndWait() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
    awaitBackgroundWork();
  }

  @Override
  public void compactAll() {
    flushAndWait();
    try {
      db.compactRange();
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
    awaitBackgroundWork();
  }

  @Override
  public void awaitBackgroundWork() {
    try {
      while (property("rocksdb.num-running-compactions") > 0
          || property("rocksdb.num-running-flushes") > 0
          || property("rocksdb.compaction-pending") > 0
          || property("rocksdb.mem-table-flush-pending") > 0) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long property(String name) {
    try {
      return db.getLongProperty(name);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String notes() {
    StringBuilder levels = new StringBuilder();
    for (int l = 0; l < 7; l++) {
      long files = Long.parseLong(stringProperty("rocksdb.num-files-at-level" + l).trim());
      if (files > 0) {
        levels.append(levels.length() == 0 ? "" : "/").append('L').append(l).append('=');
        levels.append(files);
      }
    }
    return String.format(
        Locale.ROOT,
        "%s %s cacheUsage=%dMiB files=%s",
        walLine(),
        cumulativeStall(),
        property("rocksdb.block-cache-usage") >> 20,
        levels.length() == 0 ? "none" : levels);
  }

  private String stringProperty(String name) {
    try {
      String value = db.getProperty(name);
      return value == null ? "" : value;
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The "Cumulative stall" line of RocksDB's DB stats, e.g. "stall=00:00:0.000H:M:S". */
  private String cumulativeStall() {
    String rest = dbStatsLine("Cumulative stall:");
    int comma = rest.indexOf(',');
    return "stall=" + (comma < 0 ? rest : rest.substring(0, comma)).replace(" ", "");
  }

  /** Writes per WAL sync, from the "Cumulative WAL" line of RocksDB's DB stats. */
  private String walLine() {
    String rest = dbStatsLine("Cumulative WAL:");
    for (String part : rest.split(",")) {
      if (part.contains("writes per sync")) {
        return "writes/sync=" + part.replace("writes per sync", "").trim();
      }
    }
    return "writes/sync=?";
  }

  private String dbStatsLine(String prefix) {
    for (String line : stringProperty("rocksdb.dbstats").split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return "?";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      db.closeE();
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
  }
}
