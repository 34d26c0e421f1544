package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.spi.NamedProvider;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.wal.WalProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Opens Shale databases: {@code Shale.open(dir)} with the default parts, or {@code
 * Shale.builder(dir).memtable("vector").open()} to choose parts by provider name or pass your own
 * instances. The defaults: WAL "segmented", memtable "skiplist", SSTable format "block", block
 * cache "caffeine", compaction "leveled", local disk.
 */
public final class Shale {
  /** Default provider names. */
  public static final String DEFAULT_WAL = "segmented";

  public static final String DEFAULT_MEMTABLE = "skiplist";
  public static final String DEFAULT_TABLE_FORMAT = "block";
  public static final String DEFAULT_BLOCK_CACHE = "caffeine";
  public static final String DEFAULT_COMPACTION = "leveled";
  public static final String DEFAULT_TRANSACTIONS = "optimistic";

  private Shale() {}

  /**
   * Opens (creating if needed) the Db in {@code directory} with default options and parts.
   *
   * @see Builder#open()
   */
  public static Db open(Path directory) {
    return builder(directory).open();
  }

  /** A builder for the Db in {@code directory}. */
  public static Builder builder(Path directory) {
    if (directory == null) {
      throw new IllegalArgumentException("directory must not be null");
    }
    return new Builder(directory);
  }

  /**
   * The installed providers' names, per SPI (for help output and error messages): {@code wal},
   * {@code memtable}, {@code table-format}, {@code block-cache}, {@code compaction}, {@code
   * transactions}, and {@code object-store}, listed by the URI schemes the stores handle ({@code
   * file}, {@code mem}, {@code s3}), since a URI is how one is chosen.
   */
  public static Map<String, SortedSet<String>> installedProviders() {
    Map<String, SortedSet<String>> names = new LinkedHashMap<>();
    names.put("wal", installed(WalProvider.class));
    names.put("memtable", installed(MemtableProvider.class));
    names.put("table-format", installed(SSTableFormat.class));
    names.put("block-cache", installed(BlockCacheProvider.class));
    names.put("compaction", installed(CompactionStrategyProvider.class));
    names.put("transactions", installed(TransactionProvider.class));
    SortedSet<String> schemes = new TreeSet<>();
    for (ObjectStoreProvider p : ProviderRegistry.installed(ObjectStoreProvider.class).all()) {
      schemes.addAll(p.schemes());
    }
    names.put("object-store", schemes);
    return names;
  }

  private static <P extends NamedProvider> SortedSet<String> installed(Class<P> type) {
    return ProviderRegistry.installed(type).names();
  }

  /** Chooses options and parts, then opens. Not thread-safe; reusable. */
  public static final class Builder {
    private final Path directory;
    private DbOptions options = DbOptions.defaults();
    private Storage storage = DiskStorage.instance();
    private PartChoice<WalProvider> wal = PartChoice.named(WalProvider.class, DEFAULT_WAL);
    private PartChoice<MemtableProvider> memtable =
        PartChoice.named(MemtableProvider.class, DEFAULT_MEMTABLE);
    private PartChoice<SSTableFormat> tableFormat =
        PartChoice.named(SSTableFormat.class, DEFAULT_TABLE_FORMAT);
    private PartChoice<BlockCacheProvider> blockCache =
        PartChoice.named(BlockCacheProvider.class, DEFAULT_BLOCK_CACHE);
    private PartChoice<CompactionStrategyProvider> compaction =
        PartChoice.named(CompactionStrategyProvider.class, DEFAULT_COMPACTION);
    private @Nullable PartChoice<TransactionProvider> transactions;

    private @Nullable RemoteConfig remote;
    private boolean readOnly;
    private final List<DbListener> listeners = new ArrayList<>();

    private Builder(Path directory) {
      this.directory = directory;
    }

    /** Tuning (sizes, limits, recovery mode, compaction settings). */
    public Builder options(DbOptions options) {
      if (options == null) {
        throw new IllegalArgumentException("options must not be null");
      }
      this.options = options;
      return this;
    }

    /** The file layer (e.g. a fault-injecting wrapper in tests). */
    public Builder storage(Storage storage) {
      if (storage == null) {
        throw new IllegalArgumentException("storage must not be null");
      }
      this.storage = storage;
      return this;
    }

    /**
     * Ships the write-ahead log, tables and manifests to the object store at {@code uri} and opens
     * as its primary (fencing any other); restores from it when the directory is empty. See {@link
     * ObjectStores#open} for the URIs. The Db closes the store.
     *
     * @throws IOException when the store cannot be reached
     */
    public Builder objectStore(String uri) throws IOException {
      ObjectStore store = ObjectStores.open(uri, Map.of());
      this.remote = RemoteConfig.of(store, store).withOwnedStores();
      return this;
    }

    /**
     * As {@link #objectStore(String)} with WAL objects going to a second store, e.g. an S3 Express
     * One Zone directory bucket for low-latency log writes while tables go to a regional bucket.
     */
    public Builder objectStores(String dataUri, String walUri) throws IOException {
      ObjectStore data = ObjectStores.open(dataUri, Map.of());
      ObjectStore walStore;
      try {
        walStore = ObjectStores.open(walUri, Map.of());
      } catch (IOException | RuntimeException e) {
        data.close();
        throw e;
      }
      this.remote = RemoteConfig.of(data, walStore).withOwnedStores();
      return this;
    }

    /** Ships to an object store with full control of the settings (the caller owns the stores). */
    public Builder remote(RemoteConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("remote config must not be null");
      }
      this.remote = config;
      return this;
    }

    /**
     * Opens the Db read-only (RocksJava's {@code openReadOnly}): it serves gets, iterators,
     * snapshots and stats of the Db as it is on disk, with the write-ahead log replayed into memory
     * as {@link DbOptions#walRecoveryMode()} reads it, and changes no byte of the directory (no
     * LOCK file created, no manifest, log or counter file rewritten, no flush, no compaction, no
     * repair: a damaged log is read, not cut). Writes, {@link Db#flush()} and {@link
     * Db#compactRange} throw {@link IllegalStateException}. Any number of read-only opens may share
     * a directory, in this process and others; none may while a writer has it open, and a writer
     * cannot open it while they do (either way the second open fails with {@link
     * dev.shale.lsm.api.StorageIOException} saying it is locked). A directory that holds no Db is
     * an {@link IllegalArgumentException}: a read-only open never creates one. Not with an object
     * store: a read-only Db never claims one.
     */
    public Builder readOnly() {
      this.readOnly = true;
      return this;
    }

    /**
     * Adds a listener told what the Db does as it works (flushes, compactions, stalls, commit
     * groups...), for metrics and logs; see {@link DbListener} for what it must and must not do.
     */
    public Builder listener(DbListener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("listener must not be null");
      }
      listeners.add(listener);
      return this;
    }

    /** The write-ahead log, by installed provider name. */
    public Builder wal(String name) {
      this.wal = PartChoice.named(WalProvider.class, name);
      return this;
    }

    /** The write-ahead log, as an instance. */
    public Builder wal(WalProvider provider) {
      this.wal = PartChoice.instance(WalProvider.class, provider);
      return this;
    }

    /** The memtable, by installed provider name ("skiplist", "vector", ...). */
    public Builder memtable(String name) {
      this.memtable = PartChoice.named(MemtableProvider.class, name);
      return this;
    }

    /** The memtable, as an instance. */
    public Builder memtable(MemtableProvider provider) {
      this.memtable = PartChoice.instance(MemtableProvider.class, provider);
      return this;
    }

    /**
     * The SSTable format new files are written in, by name; files of any installed format stay
     * readable.
     */
    public Builder tableFormat(String name) {
      this.tableFormat = PartChoice.named(SSTableFormat.class, name);
      return this;
    }

    /** The SSTable format, as an instance. */
    public Builder tableFormat(SSTableFormat format) {
      this.tableFormat = PartChoice.instance(SSTableFormat.class, format);
      return this;
    }

    /** The block cache, by installed provider name ("caffeine", "none", ...). */
    public Builder blockCache(String name) {
      this.blockCache = PartChoice.named(BlockCacheProvider.class, name);
      return this;
    }

    /** The block cache, as an instance. */
    public Builder blockCache(BlockCacheProvider provider) {
      this.blockCache = PartChoice.instance(BlockCacheProvider.class, provider);
      return this;
    }

    /** The compaction strategy, by installed provider name ("leveled", "tiered", ...). */
    public Builder compaction(String name) {
      this.compaction = PartChoice.named(CompactionStrategyProvider.class, name);
      return this;
    }

    /** The compaction strategy, as an instance. */
    public Builder compaction(CompactionStrategyProvider provider) {
      this.compaction = PartChoice.instance(CompactionStrategyProvider.class, provider);
      return this;
    }

    /**
     * The transaction provider behind {@link Db#beginTransaction}, by installed name. Without this
     * choice the installed "optimistic" provider is used when present.
     */
    public Builder transactions(String name) {
      this.transactions = PartChoice.named(TransactionProvider.class, name);
      return this;
    }

    /** The transaction provider, as an instance (e.g. a wrapper under test). */
    public Builder transactions(TransactionProvider provider) {
      this.transactions = PartChoice.instance(TransactionProvider.class, provider);
      return this;
    }

    /**
     * Opens the Db, creating it when the directory holds none (unless {@link #readOnly()}).
     *
     * @throws IllegalArgumentException for {@link #readOnly()} on a directory that holds no Db, or
     *     with an object store
     * @throws dev.shale.lsm.spi.UnknownProviderException when a named part is not installed (the
     *     message lists the installed names)
     * @throws dev.shale.lsm.api.CorruptionException when stored data is damaged
     * @throws dev.shale.lsm.api.StorageIOException when storage fails or another process has the Db
     *     open
     */
    public Db open() {
      if (readOnly && remote != null) {
        RemoteConfig claimed = remote;
        try {
          claimed.closeOwnedStores();
        } catch (IOException | RuntimeException e) {
          // Failing anyway; the stores were never used.
        }
        throw new IllegalArgumentException(
            "a read-only open never contacts an object store (opening with one claims the bucket"
                + " as its primary, fencing its writer): drop objectStore()/remote(), and restore"
                + " the bucket into a directory first to read it");
      }
      return DaggerEngineComponent.builder()
          .directory(directory)
          .options(options)
          .choices(
              new PartChoices(
                  storage,
                  wal,
                  memtable,
                  tableFormat,
                  blockCache,
                  compaction,
                  transactions,
                  remote,
                  readOnly,
                  listeners))
          .build()
          .engine();
    }
  }
}
