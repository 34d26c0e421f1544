package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.assembly.ShaleTools;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that opens a Db: its directory, the parts it is built from (by
 * provider name) and the few settings a user changes from the command line.
 */
@SuppressWarnings("NullAway.Init") // picocli sets the mixin before any method runs
final class DbOpenOptions {
  @Mixin DbDirectoryOption db;

  @Option(
      names = "--memtable",
      paramLabel = "NAME",
      description = "Memtable provider (default: " + Shale.DEFAULT_MEMTABLE + ").")
  @Nullable String memtable;

  @Option(
      names = "--compaction",
      paramLabel = "NAME",
      description =
          "Compaction strategy (default: the one the Db was last opened with, else "
              + Shale.DEFAULT_COMPACTION
              + ").")
  @Nullable String compaction;

  @Option(
      names = "--table-format",
      paramLabel = "NAME",
      description =
          "SSTable format for new files (default: "
              + Shale.DEFAULT_TABLE_FORMAT
              + "); files in any installed format stay readable.")
  @Nullable String tableFormat;

  @Option(
      names = "--block-cache",
      paramLabel = "NAME",
      description = "Block cache provider (default: " + Shale.DEFAULT_BLOCK_CACHE + ").")
  @Nullable String blockCache;

  @Option(
      names = "--memtable-size",
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "Memtable size that triggers a flush, e.g. 64m (default 64m).")
  @Nullable Long memtableBytes;

  @Option(
      names = "--block-cache-size",
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "Block cache capacity, e.g. 256m (default 32m).")
  @Nullable Long blockCacheBytes;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      description = "Block compression of new SSTables, e.g. lz4 or none (default lz4).")
  @Nullable String compression;

  /** The Db directory. */
  Path directory() {
    return db.directory();
  }

  /** The options chosen on the command line over the defaults. */
  DbOptions options() {
    DbOptions.Builder options = DbOptions.builder();
    if (memtableBytes != null) {
      options.memtableBytes(memtableBytes);
    }
    if (blockCacheBytes != null) {
      options.blockCacheBytes(blockCacheBytes);
    }
    if (compression != null) {
      options.compression(compression);
    }
    return options.build();
  }

  /**
   * Opens the Db, creating it when the directory holds none.
   *
   * @throws IllegalArgumentException for a bad option or an unknown provider name (the message
   *     lists the installed ones)
   */
  Db openOrCreate() throws IOException {
    return open(db.directory(), false);
  }

  /**
   * Opens the Db, which must exist.
   *
   * @throws IllegalArgumentException when there is none, for a bad option or an unknown provider
   */
  Db openExisting() throws IOException {
    return open(db.existing(), true);
  }

  private Db open(Path directory, boolean exists) throws IOException {
    DbOptions options = options();
    Shale.Builder builder = Shale.builder(directory).options(options);
    if (memtable != null) {
      builder.memtable(memtable);
    }
    if (tableFormat != null) {
      builder.tableFormat(tableFormat);
    }
    if (blockCache != null) {
      builder.blockCache(blockCache);
    }
    String strategy = compaction;
    if (strategy == null && (exists || DbDirectoryOption.holdsDb(directory))) {
      // Opening with another strategy starts converting the tree to its shape: a `get` must
      // not do that, so keep the strategy the Db was last opened with.
      strategy = ShaleTools.onDisk(options).manifest(directory).compactionStrategy();
    }
    if (strategy != null) {
      builder.compaction(strategy);
    }
    return builder.open();
  }
}
