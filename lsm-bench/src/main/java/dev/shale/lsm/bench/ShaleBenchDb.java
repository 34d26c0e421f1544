package dev.shale.lsm.bench;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.engine.Engine;
import dev.shale.lsm.engine.EngineParts;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.wal.WalProvider;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@link BenchDb} over Shale, opened through the public assembly with the default parts. */
final class ShaleBenchDb implements BenchDb {
  private static final WriteOptions NO_SYNC = WriteOptions.of(Durability.MEMORY);
  private static final WriteOptions SYNC = WriteOptions.of(Durability.LOCAL);

  private final Db db;

  private ShaleBenchDb(Db db) {
    this.db = db;
  }

  static ShaleBenchDb open(Path directory, EngineSettings s) {
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(s.memtableBytes())
            .maxImmutableMemtables(s.maxImmutableMemtables())
            .blockCacheBytes(s.blockCacheBytes())
            .bloomBitsPerKey(s.bloomBitsPerKey())
            .blockBytes(s.blockBytes())
            .compression(s.compression())
            .compactionThreads(s.compactionThreads())
            .defaultDurability(Durability.MEMORY)
            .build();
    try {
      return new ShaleBenchDb(
          Shale.builder(directory).options(options).memtable(s.memtable()).open());
    } catch (NullPointerException e) {
      if (!String.valueOf(e.getMessage()).contains("@Provides")) {
        throw e;
      }
      // The assembly's Dagger graph rejects a null TransactionProvider when none is installed
      // (main at 0d922e4). Wire the same default parts by hand, exactly as EngineModule does, so
      // the numbers stay those of the default engine; drop this once the assembly opens again.
      return new ShaleBenchDb(Engine.open(directory, options, defaultParts(s.memtable())));
    }
  }

  private static EngineParts defaultParts(String memtable) {
    SSTableFormat format =
        ProviderRegistry.installed(SSTableFormat.class).get(Shale.DEFAULT_TABLE_FORMAT);
    return new EngineParts(
        DiskStorage.instance(),
        ProviderRegistry.installed(WalProvider.class).get(Shale.DEFAULT_WAL),
        ProviderRegistry.installed(MemtableProvider.class).get(memtable),
        format,
        ProviderRegistry.installed(SSTableFormat.class),
        ProviderRegistry.installed(BlockCacheProvider.class).get(Shale.DEFAULT_BLOCK_CACHE),
        ProviderRegistry.installed(CompactionStrategyProvider.class).get(Shale.DEFAULT_COMPACTION),
        null,
        java.util.List.of());
  }

  @Override
  public void put(byte[] key, byte[] value, boolean sync) {
    db.put(key, value, sync ? SYNC : NO_SYNC);
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int count) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < count; i++) {
      batch.put(keys[i], values[i]);
    }
    db.write(batch, NO_SYNC);
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    return db.get(key);
  }

  @Override
  public Cursor cursor() {
    DbIterator it = db.iterator(ReadOptions.defaults());
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
    db.flush();
    awaitBackgroundWork();
  }

  @Override
  public void compactAll() {
    db.flush();
    db.compactRange(null, null);
    awaitBackgroundWork();
  }

  @Override
  public void awaitBackgroundWork() {
    if (db instanceof Engine engine) {
      engine.awaitBackgroundWork();
    }
  }

  @Override
  public String notes() {
    DbStats s = db.stats();
    DbStats.Writes w = s.writes();
    DbStats.Cache c = s.blockCache();
    StringBuilder levels = new StringBuilder();
    for (DbStats.Level l : s.levels()) {
      if (l.files() > 0) {
        levels.append(levels.length() == 0 ? "" : "/").append('L').append(l.level()).append('=');
        levels.append(l.files());
      }
    }
    return String.format(
        Locale.ROOT,
        "batches/group=%.2f walSyncs=%d flushes=%d compactions=%d stalls=%d+%d(%dms)"
            + " cacheHit=%.3f files=%s",
        w.groupCommits() == 0 ? 0.0 : (double) w.batches() / w.groupCommits(),
        w.walSyncs(),
        s.memtables().flushes(),
        s.compactions().completed(),
        w.slowdowns(),
        w.stops(),
        w.stallMicros() / 1000,
        c.hitRatio(),
        levels.length() == 0 ? "none" : levels);
  }

  @Override
  public void close() {
    db.close();
  }
}
