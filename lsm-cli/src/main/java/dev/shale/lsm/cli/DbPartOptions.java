package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ObjectStores;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The parts a Db is built from (by provider name) and the few settings a user changes from the
 * command line; the directory comes from elsewhere ({@link DbOpenOptions}, {@link TargetOptions}).
 */
final class DbPartOptions {
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

  @Option(
      names = "--object-store",
      paramLabel = "URI",
      description = {
        "Ship the WAL, tables and manifests to this object store and open as its primary"
            + " (fencing any other); an empty --db directory is restored from it first.",
        "file:///path, or s3://bucket/prefix?region=R[&endpoint=URL&pathStyle=true]"
            + " (credentials from the standard AWS chain)."
      })
  @Nullable String objectStore;

  @Option(
      names = "--wal-object-store",
      paramLabel = "URI",
      description =
          "Ship WAL objects here instead (e.g. an S3 Express One Zone directory bucket,"
              + " s3://name--usw2-az1--x-s3/prefix); needs --object-store.")
  @Nullable String walObjectStore;

  /** Whether the Db is opened with an object store (which can restore an empty directory). */
  boolean hasObjectStore() {
    return objectStore != null;
  }

  /**
   * The object store settings of --object-store and --wal-object-store, or null without them. The
   * Db that gets them closes the stores.
   */
  @Nullable RemoteConfig remote() throws IOException {
    if (objectStore == null) {
      if (walObjectStore != null) {
        throw new IllegalArgumentException("--wal-object-store needs --object-store");
      }
      return null;
    }
    ObjectStore data = ObjectStores.open(objectStore, Map.of());
    ObjectStore wal = data;
    if (walObjectStore != null) {
      try {
        wal = ObjectStores.open(walObjectStore, Map.of());
      } catch (IOException | RuntimeException e) {
        data.close();
        throw e;
      }
    }
    return RemoteConfig.of(data, wal).withOwnedStores();
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
   * Opens the Db in {@code directory}; {@code exists} says the caller checked that it holds one.
   *
   * @throws IllegalArgumentException for a bad option or an unknown provider name (the message
   *     lists the installed ones)
   */
  Db open(Path directory, boolean exists) throws IOException {
    return open(directory, exists, remote());
  }

  /** Opens the Db in {@code directory} with {@code remote} (null: no object store). */
  Db open(Path directory, boolean exists, @Nullable RemoteConfig remote) throws IOException {
    return open(directory, exists, remote, options());
  }

  /** Opens the Db in {@code directory} with {@code remote} and {@code options}. */
  Db open(Path directory, boolean exists, @Nullable RemoteConfig remote, DbOptions options)
      throws IOException {
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
    if (remote != null) {
      builder.remote(remote);
    }
    return builder.open(); // closes the stores of remote if it fails
  }
}
