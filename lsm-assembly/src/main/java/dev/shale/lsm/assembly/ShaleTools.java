package dev.shale.lsm.assembly;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.engine.DbInspector;
import dev.shale.lsm.engine.recovery.DbRepair;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Inspection tools over a Db directory with the installed parts, for the command line: the
 * manifest, a full checksum verification, one table, the write-ahead log (all read-only), and
 * repair.
 */
public final class ShaleTools {
  private static final long TOOL_CACHE_BYTES = 8L << 20;

  private final Storage storage;
  private final DbOptions options;
  private final int numLevels;

  private ShaleTools(Storage storage, DbOptions options) {
    this.storage = storage;
    this.options = options;
    this.numLevels = options.numLevels();
  }

  /** Tools for Dbs on local disk with {@code options}' level count. */
  public static ShaleTools onDisk(DbOptions options) {
    return new ShaleTools(DiskStorage.instance(), options);
  }

  /**
   * Rebuilds the Db in {@code db} from its tables and its write-ahead log under a new manifest,
   * keeping every old file in {@code lost/repair-<time>/} (see {@link DbRepair}). The only tool
   * here that changes the directory.
   *
   * @param progressEntries receives the number of entries merged so far
   */
  public DbRepair.Report repair(Path db, LongConsumer progressEntries) throws IOException {
    try (BlockCache cache = noCache()) {
      DbRepair.Parts parts =
          new DbRepair.Parts(
              storage,
              numLevels,
              formats(),
              formats().get(Shale.DEFAULT_TABLE_FORMAT),
              new TableWriterOptions(
                  options.blockBytes(),
                  options.blockRestartInterval(),
                  options.bloomBitsPerKey(),
                  options.compression()),
              options.targetFileBytes(),
              ProviderRegistry.installed(WalProvider.class).get(Shale.DEFAULT_WAL),
              ProviderRegistry.installed(MemtableProvider.class).get(Shale.DEFAULT_MEMTABLE),
              cache);
      return DbRepair.repair(db, parts, progressEntries);
    }
  }

  /** What the manifest of the Db in {@code db} records. */
  public DbInspector.ManifestInfo manifest(Path db) throws IOException {
    return DbInspector.manifest(storage, db, numLevels);
  }

  /**
   * Reads and checks every live table of the Db in {@code db}; fails with {@link
   * dev.shale.lsm.api.CorruptionException} naming the file and offset of the first damage.
   */
  public DbInspector.VerifyResult verify(Path db, LongConsumer progressBytes) throws IOException {
    try (BlockCache cache = noCache()) {
      return DbInspector.verify(
          storage,
          db,
          numLevels,
          formats(),
          ProviderRegistry.installed(WalProvider.class).get(Shale.DEFAULT_WAL),
          cache,
          progressBytes);
    }
  }

  /** Opens one table file, in whatever installed format wrote it; close it after use. */
  public SSTableReader openTable(Path file) throws IOException {
    return DbInspector.openTable(storage, file, formats(), cachingBlocks());
  }

  /**
   * Lists the WAL segments into {@code segments} and hands every intact record to {@code records}.
   */
  public WalReplayResult readWal(Path db, List<WalSegment> segments, WalReplayConsumer records)
      throws IOException {
    WalProvider wal = ProviderRegistry.installed(WalProvider.class).get(Shale.DEFAULT_WAL);
    return DbInspector.readWal(storage, db, wal, segments, records);
  }

  private static ProviderRegistry<SSTableFormat> formats() {
    return ProviderRegistry.installed(SSTableFormat.class);
  }

  private static BlockCache noCache() {
    return ProviderRegistry.installed(BlockCacheProvider.class).get("none").create(0);
  }

  private static BlockCache cachingBlocks() {
    return ProviderRegistry.installed(BlockCacheProvider.class)
        .get(Shale.DEFAULT_BLOCK_CACHE)
        .create(TOOL_CACHE_BYTES);
  }
}
