package dev.shale.lsm.engine;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.api.WriteStallException;
import dev.shale.lsm.api.event.BackgroundErrorEvent;
import dev.shale.lsm.api.event.CommitGroupEvent;
import dev.shale.lsm.api.event.CompactionEvent;
import dev.shale.lsm.api.event.FlushEvent;
import dev.shale.lsm.api.event.TableDeletedEvent;
import dev.shale.lsm.api.event.WriteStallEvent;
import dev.shale.lsm.engine.compaction.CompactionScheduler;
import dev.shale.lsm.engine.read.LevelIterator;
import dev.shale.lsm.engine.read.MergingIterator;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.read.UserIterator;
import dev.shale.lsm.engine.recovery.LogCoverage;
import dev.shale.lsm.engine.recovery.TableAudit;
import dev.shale.lsm.engine.remote.CountingObjectStore;
import dev.shale.lsm.engine.remote.FencedMarker;
import dev.shale.lsm.engine.remote.LocalReset;
import dev.shale.lsm.engine.remote.RemoteKeys;
import dev.shale.lsm.engine.remote.RemoteManifest;
import dev.shale.lsm.engine.remote.RemoteReplay;
import dev.shale.lsm.engine.remote.RemoteSync;
import dev.shale.lsm.engine.remote.StoreRetries;
import dev.shale.lsm.engine.remote.WalObject;
import dev.shale.lsm.engine.remote.WalShipper;
import dev.shale.lsm.engine.remote.WriterClaim;
import dev.shale.lsm.engine.table.TableRewrite;
import dev.shale.lsm.engine.table.TableSink;
import dev.shale.lsm.engine.table.VersionCollapser;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.ManifestLog;
import dev.shale.lsm.engine.version.MemtableHandle;
import dev.shale.lsm.engine.version.SuperVersion;
import dev.shale.lsm.engine.version.Version;
import dev.shale.lsm.engine.version.VersionEdit;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.engine.write.CommitQueue;
import dev.shale.lsm.engine.write.PendingWrite;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.txn.TransactionSupport;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LSM engine: a {@link Db} driving the SPIs of its {@link EngineParts}. Writes go through a
 * group-commit queue into the write-ahead log and the active memtable; full memtables are flushed
 * to level-0 SSTables by a background thread; a {@link CompactionScheduler} merges tables as the
 * strategy decides. Readers pin a {@link SuperVersion} and take no lock.
 *
 * <p>Directory layout: {@code CURRENT} and {@code MANIFEST-*} (the tree's state), {@code wal/} (the
 * log), {@code sst/} (the tables), {@code LOCK}.
 */
public final class Engine implements Db {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final long MAX_GROUP_BYTES = 4L << 20;
  private static final long DELAYED_WRITE_BYTES_PER_SECOND = 16L << 20;
  private static final long STALL_POLL_MILLIS = 100;

  /**
   * Memtables holding at least this many bytes of writes (as logged) are flushed by a clean close
   * (see {@link #flushOnClose}). Replaying 1 MiB of log costs a few tens of milliseconds; below it,
   * leaving the writes in the log is cheaper than a tiny level-0 table per close.
   */
  public static final long FLUSH_ON_CLOSE_BYTES = 1L << 20;

  /**
   * A primary of writer epoch E numbers its new files from E << 40, from before its first flush or
   * compaction, so two primaries of one bucket (an old one that has not noticed it is fenced, and
   * its successor) never make two different tables with one number.
   */
  private static final int FILE_NUMBER_EPOCH_SHIFT = RemoteSync.FILE_NUMBER_EPOCH_SHIFT;

  private final Path directory;
  private final boolean readOnly; // see openReadOnly
  private final DbOptions options;
  private final EngineParts parts;
  private final Storage storage;
  private final Closeable lock;
  private final TableWriterOptions tableOptions;
  private final BlockCache blockCache;
  private final TableCache tables;
  private final SnapshotRegistry snapshots = new SnapshotRegistry(this);
  private final ReentrantLock walLock = new ReentrantLock();
  private final Object stateLock = new Object();
  private final Object stallMonitor = new Object();
  private final CommitQueue commits;
  private final ExecutorService flushExecutor;
  private final ExecutorService compactionExecutor;
  private final AtomicLong memtableIds = new AtomicLong();
  private final Counters counters = new Counters();
  private final TransactionSupport transactionSupport = new EngineTransactionSupport();
  // Assigned once in open(), before the Db is visible to anyone.
  private VersionSet versions;
  private WriteAheadLog wal;
  private CompactionScheduler compactions;
  private MemtableHandle active;
  private final ArrayDeque<MemtableHandle> immutables = new ArrayDeque<>(); // oldest first
  private volatile SuperVersion superVersion;
  private long lastSequence; // only the commit leader writes it
  private volatile long visibleSequence;
  private final BackgroundErrors errors;
  private volatile boolean walBroken; // a log write or roll failed: the log must be reopened
  private final LifetimeCounters lifetime;
  private volatile boolean closing;
  private volatile boolean writesClosed;
  private volatile boolean releasingLiveVersions;

  // Shipping to an object store (all null without one). See docs/formats.md section 5. The
  // volatile ones are set after background threads start.
  private final @Nullable RemoteConfig remote;
  private @Nullable CountingObjectStore remoteData;
  private @Nullable CountingObjectStore remoteWal;
  private @Nullable StoreRetries storeRetries;
  private volatile @Nullable WalShipper shipper;
  private volatile @Nullable RemoteSync remoteSync;
  private volatile @Nullable ExecutorService syncExecutor;
  private final AtomicBoolean syncQueued = new AtomicBoolean();
  private volatile long writerEpoch;
  private DbStats.Recovery recovery = DbStats.Recovery.NONE; // set in open()
  private final Listeners listeners;
  private volatile @Nullable String lastErrorWhat; // the background error not yet recovered from
  private WriteStallEvent.State stallState = WriteStallEvent.State.NORMAL; // commit leader only

  @SuppressWarnings(
      "NullAway.Init") // versions, wal, compactions, active, superVersion: set in open()
  private Engine(
      Path directory,
      DbOptions options,
      EngineParts parts,
      Closeable lock,
      @Nullable RemoteConfig remote,
      boolean readOnly) {
    this.directory = directory;
    this.readOnly = readOnly;
    this.remote = remote;
    this.options = options;
    this.parts = parts;
    this.storage = parts.storage();
    this.lock = lock;
    String codec = options.compression();
    if (!parts.tableFormat().compressionCodecs().contains(codec)) {
      throw new IllegalArgumentException(
          "compression '"
              + codec
              + "' is not offered by SSTable format '"
              + parts.tableFormat().name()
              + "'; choose one of "
              + parts.tableFormat().compressionCodecs());
    }
    this.tableOptions =
        new TableWriterOptions(
            options.blockBytes(), options.blockRestartInterval(), options.bloomBitsPerKey(), codec);
    this.blockCache = parts.blockCache().create(options.blockCacheBytes());
    this.tables =
        new TableCache(storage, directory.resolve("sst"), parts.tableFormats(), blockCache);
    this.commits = new CommitQueue(this::commitGroup, MAX_GROUP_BYTES);
    this.flushExecutor = Executors.newSingleThreadExecutor(threads("shale-flush"));
    this.compactionExecutor =
        Executors.newFixedThreadPool(options.compactionThreads(), threads("shale-compaction"));
    this.listeners = new Listeners(parts.listeners());
    this.errors = new BackgroundErrors(directory, this::resumeAfterError, this::afterErrorChange);
    this.lifetime = LifetimeCounters.load(storage, directory);
  }

  /**
   * Opens (or creates) the Db in {@code directory}: reads the manifest, deletes files it does not
   * list, replays the write-ahead log after the last flushed sequence, and starts background work.
   *
   * @throws dev.shale.lsm.api.CorruptionException when the manifest, a table or the log is damaged
   *     beyond what {@link DbOptions#walRecoveryMode()} tolerates
   * @throws StorageIOException when storage fails, or the directory is locked by another process
   * @throws IllegalArgumentException when options contradict the parts or the stored tree
   */
  public static Engine open(Path directory, DbOptions options, EngineParts parts) {
    return open(directory, options, parts, null);
  }

  /**
   * Opens the Db in {@code directory} as the primary of the bucket prefix {@code remote} names (or,
   * when null, without an object store). As primary it claims the next writer epoch (fencing any
   * other primary), restores the local directory from the bucket when the directory is empty or
   * holds another primary's state, replays the remote WAL tail, and from then on ships its WAL,
   * tables and manifests.
   *
   * @throws FencedException when another primary claims the bucket while this one opens
   * @see #open(Path, DbOptions, EngineParts)
   */
  public static Engine open(
      Path directory, DbOptions options, EngineParts parts, @Nullable RemoteConfig remote) {
    Storage storage = parts.storage();
    Closeable lock;
    try {
      storage.createDirectories(directory);
      lock = storage.lock(directory.resolve("LOCK"));
    } catch (IOException e) {
      closeOwnedStores(remote);
      throw new StorageIOException("cannot open " + directory, e);
    }
    Engine engine = null;
    try {
      engine = new Engine(directory, options, parts, lock, remote, false);
      PrimaryClaim claim = engine.claimBucket();
      engine.recover(claim == null ? 0 : claim.claim().epoch() << FILE_NUMBER_EPOCH_SHIFT);
      if (claim != null) {
        engine.becomePrimary(claim);
      }
      engine.compactions.maybeSchedule();
      return engine;
    } catch (IOException e) {
      abandon(engine, lock, remote);
      throw new StorageIOException("cannot open " + directory, e);
    } catch (RuntimeException | Error e) {
      abandon(engine, lock, remote);
      throw e;
    }
  }

  /**
   * Opens the Db in {@code directory} read-only, as RocksDB's {@code OpenForReadOnly}: it reads the
   * manifest and the tables as they are, replays the write-ahead log into memtables as {@link
   * DbOptions#walRecoveryMode()} reads it ({@link WriteAheadLog#scan(long,
   * dev.shale.lsm.api.WalRecoveryMode, dev.shale.lsm.spi.wal.WalReplayConsumer)}), and changes no
   * byte of the directory: no LOCK file is created, no manifest, log segment or counter file is
   * written, cut or rewritten, no table is deleted or set aside, nothing is flushed or compacted.
   *
   * <p>It serves gets, iterators, snapshots, transactions' reads and stats. Writes, transaction
   * commits, {@link #flush()} and {@link #compactRange} throw {@link IllegalStateException}. It
   * holds a shared lock on the directory while open (see {@link ReadOnlyDirectory}): any number of
   * read-only opens may share a Db, none while a writer has it open, and no writer opens it while
   * they do. An object store is never contacted.
   *
   * @throws IllegalArgumentException when the directory holds no Db (a read-only open never creates
   *     one)
   * @throws dev.shale.lsm.api.CorruptionException when the manifest, a table or the log is damaged
   *     beyond what {@link DbOptions#walRecoveryMode()} tolerates
   * @throws StorageIOException when storage fails, or a writer has the Db open
   */
  public static Engine openReadOnly(Path directory, DbOptions options, EngineParts parts) {
    ReadOnlyDirectory access;
    try {
      access = ReadOnlyDirectory.open(parts.storage(), directory);
    } catch (IOException e) {
      throw new StorageIOException("cannot open " + directory + " read-only", e);
    }
    EngineParts reading =
        new EngineParts(
            access.storage(),
            parts.wal(),
            parts.memtable(),
            parts.tableFormat(),
            parts.tableFormats(),
            parts.blockCache(),
            parts.compaction(),
            parts.transactions(),
            parts.listeners());
    Engine engine = null;
    try {
      engine = new Engine(directory, options, reading, access, null, true);
      engine.recover(0);
      return engine;
    } catch (IOException e) {
      abandon(engine, access, null);
      throw new StorageIOException("cannot open " + directory + " read-only", e);
    } catch (RuntimeException | Error e) {
      abandon(engine, access, null);
      throw e;
    }
  }

  private static void abandon(
      @Nullable Engine engine, Closeable lock, @Nullable RemoteConfig remote) {
    if (engine != null) {
      engine.closing = true;
      if (engine.shipper != null) {
        engine.shipper.close(0);
      }
      if (engine.syncExecutor != null) {
        engine.syncExecutor.shutdownNow();
      }
      engine.flushExecutor.shutdownNow();
      engine.compactionExecutor.shutdownNow();
      engine.tables.close();
      engine.blockCache.close();
    }
    closeOwnedStores(remote);
    try {
      lock.close();
    } catch (IOException ignored) {
      // Already failing; the lock dies with the process at worst.
    }
  }

  /**
   * Recovers the local state: checks the tables on disk against the manifest before anything is
   * deleted (see {@link TableAudit}), opens the manifest, and replays the write-ahead log after the
   * last flushed sequence. A read-only open reads the same way and stops short of every change: the
   * audit's verdict is checked but not carried out, the manifest read is used as it is, the log is
   * scanned instead of replayed, and full memtables are kept instead of flushed.
   *
   * @param fileNumberFloor new files are numbered from at least this (a primary's epoch range), so
   *     that no table made from here on can share a number with another primary's
   */
  private void recover(long fileNumberFloor) throws IOException {
    storage.createDirectories(tables.directory());
    VersionSet.Recovered recovered = VersionSet.recover(storage, directory, options.numLevels());
    if (recovered.manifestNumber() < 0) {
      refuseDataWithoutManifest();
      if (readOnly) {
        throw new IllegalArgumentException(
            "no Shale Db in "
                + directory
                + " (no CURRENT file); a read-only open never creates one");
      }
    }
    wal =
        parts
            .wal()
            .open(new WalOptions(storage, directory.resolve("wal"), options.walSegmentBytes()));
    TableAudit audit =
        TableAudit.run(storage, directory, recovered, parts.tableFormats(), blockCache);
    if (audit.needsLogCoverage()) {
      LogCoverage coverage = new LogCoverage(recovered.lastSequence());
      wal.scan(recovered.lastSequence(), coverage);
      audit.checkCoveredThrough(coverage.coveredThrough());
    }
    int quarantined = 0;
    if (readOnly) {
      versions = VersionSet.readOnly(storage, directory, recovered, this::releaseFile);
    } else {
      quarantined = audit.dispose();
      versions = VersionSet.open(storage, directory, options.numLevels(), this::releaseFile);
    }
    versions.onWritten(event -> listeners.tell(l -> l.onManifestWritten(event)));
    if (fileNumberFloor > versions.peekNextFileNumber()) {
      versions.logAndApply(new VersionEdit().nextFileNumber(fileNumberFloor));
    }
    CompactionStrategy strategy =
        parts
            .compaction()
            .create(
                new CompactionOptions(
                    options.numLevels(),
                    options.level0CompactionTrigger(),
                    options.maxBytesForLevelBase(),
                    options.levelMultiplier(),
                    options.dynamicLevelBytes(),
                    options.targetFileBytes(),
                    options.maxSizeAmplificationPercent(),
                    options.sizeRatioPercent()));
    String strategyName = parts.compaction().name();
    String previous = versions.compactionStrategy();
    if (!readOnly && !strategyName.equals(previous)) {
      if (previous != null) {
        LOG.info(
            "{}: compaction strategy changes from '{}' to '{}'; the tree converges to the new shape"
                + " as compactions run",
            directory,
            previous,
            strategyName);
      }
      versions.logAndApply(new VersionEdit().compactionStrategy(strategyName));
    }
    compactions =
        new CompactionScheduler(
            new SchedulerHost(),
            strategy,
            strategyName,
            compactionExecutor,
            options.compactionThreads(),
            options.targetFileBytes());

    active = newMemtable();
    long flushed = versions.lastSequence();
    lastSequence = flushed;
    WalReplayResult replay =
        readOnly
            ? wal.scan(flushed, options.walRecoveryMode(), this::replayBatch)
            : wal.replay(flushed, options.walRecoveryMode(), this::replayBatch);
    lastSequence = Math.max(flushed, replay.lastSequence());
    visibleSequence = lastSequence;
    if (!replay.damage().isEmpty()) {
      LOG.warn(
          "{}: the write-ahead log was damaged; {} handled it by dropping {} records ({} bytes),"
              + " so the writes they held are gone (the Db now ends at sequence {}): {}. A torn"
              + " write at the"
              + " very end is what a crash leaves; anywhere else, or after a clean shutdown, it is"
              + " damage to data that had been acknowledged",
          directory,
          options.walRecoveryMode(),
          replay.droppedRecords(),
          replay.droppedBytes(),
          lastSequence,
          replay.damage());
    }
    ManifestLog.SuspectTail tail = recovered.suspectTail();
    recovery =
        new DbStats.Recovery(
            replay.records(),
            replay.droppedRecords(),
            replay.droppedBytes(),
            replay.damage(),
            tail == null
                ? ""
                : recovered.manifestFileName()
                    + " at offset "
                    + tail.offset()
                    + ": "
                    + tail.what()
                    + " (ignored: the tables and the log cover it)",
            quarantined);
    LOG.info(
        "opened {}: {} files, last flushed sequence {}, replayed {} log records up to sequence {}",
        directory,
        versions.current().allFiles().size(),
        flushed,
        replay.records(),
        lastSequence);
    synchronized (stateLock) {
      installSuperVersion();
    }
  }

  /**
   * A directory without CURRENT is a new Db only while it holds no tables and no log: otherwise its
   * manifest pointer was lost, and treating it as new would delete every table.
   */
  private void refuseDataWithoutManifest() throws IOException {
    List<Path> data = new ArrayList<>(storage.list(tables.directory()));
    for (Path segment : storage.list(directory.resolve("wal"))) {
      if (storage.size(segment) > 0) {
        data.add(segment);
      }
    }
    if (!data.isEmpty()) {
      throw new dev.shale.lsm.api.CorruptionException(
          directory.resolve("CURRENT").toString(),
          0,
          "CURRENT is missing, but the directory holds "
              + data.size()
              + " table and log files (e.g. "
              + data.get(0).getFileName()
              + "): the Db's manifest pointer was lost. Nothing was deleted. Run `shale repair"
              + " --db "
              + directory
              + "` to rebuild the manifest from the tables and the log");
    }
  }

  // ---------------------------------------------------------------- object store

  private static void closeOwnedStores(@Nullable RemoteConfig remote) {
    if (remote != null) {
      try {
        remote.closeOwnedStores();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing the object store failed", e);
      }
    }
  }

  /**
   * A won claim on the bucket, with the old primaries' WAL tail read before anything local was
   * decided.
   */
  private record PrimaryClaim(WriterClaim.Result claim, RemoteReplay.Tail tail) {}

  /**
   * Claims the bucket's next writer epoch, reads the WAL tail the old primaries left, and, when the
   * local directory does not hold a state of this bucket's history, replaces it by the bucket's
   * (see {@link #whyRestore}).
   */
  private @Nullable PrimaryClaim claimBucket() throws IOException {
    RemoteConfig config = remote;
    if (config == null) {
      Optional<String> fenced = FencedMarker.read(storage, directory);
      fenced.ifPresent(
          why ->
              LOG.warn(
                  "{}: opened without its object store, although its primary was {}; its writes"
                      + " after the fence were never acknowledged remotely",
                  directory,
                  why));
      return null;
    }
    for (ObjectStore store : List.of(config.dataStore(), config.walStore())) {
      if (!store.capabilities().contains(ObjectStoreCapability.PUT_IF_ABSENT)) {
        // Without atomic create-only puts two primaries cannot be told apart: refuse, never
        // pretend.
        throw new IllegalArgumentException(
            "object store "
                + store.uri()
                + " does not offer atomic put-if-absent, which fencing a second primary needs");
      }
    }
    remoteData = new CountingObjectStore(config.dataStore());
    remoteWal =
        config.walStore() == config.dataStore()
            ? remoteData
            : new CountingObjectStore(config.walStore());
    storeRetries = new StoreRetries(config.retryMillis());
    CountingObjectStore data = remoteData;
    CountingObjectStore walStore = remoteWal;
    StoreRetries retries = storeRetries;
    String writerId = writerId();
    WriterClaim.Result claim =
        WriterClaim.claim(
            data, walStore, retries, options.numLevels(), writerId, config.pausePoints());
    RemoteReplay.Tail tail =
        retries.call(
            "read the WAL tail",
            () ->
                RemoteReplay.read(
                    walStore, claim.base().replayAfterWalId(), claim.fenceSlot(), claim.epoch()));
    if (claim.emptyBucket()) {
      Optional<String> fenced = FencedMarker.read(storage, directory);
      if (fenced.isPresent()) {
        throw new IllegalStateException(
            directory
                + " belonged to a primary that was "
                + fenced.get()
                + ", but "
                + data.uri()
                + " holds no Db: open it with the object store it was fenced in to restore it from"
                + " there, or delete "
                + directory.resolve(FencedMarker.FILE)
                + " to keep its local state as it is");
      }
    } else {
      String why = whyRestore(claim, tail);
      if (why != null) {
        LOG.info("{}: restoring from {} because {}", directory, data.uri(), why);
        LocalReset.reset(
            storage, directory, options.numLevels(), data, claim.base(), config.restoreProgress());
        config.pausePoints().hit("open.restored");
      }
    }
    return new PrimaryClaim(claim, tail);
  }

  /**
   * Why the local directory cannot be kept, or null when it can. It can be kept only when it holds
   * a state of the bucket's own history that nothing in the bucket has gone past: its writer epoch
   * produced the newest manifest's state (directly, or through claims that crashed before writing a
   * manifest of their own), every object in the WAL tail was written by such an epoch (so the local
   * log holds the same writes under the same sequences, or less of them), it is not behind the
   * manifest, and its primary was never told it was fenced (its log may then hold writes that
   * failed).
   */
  private @Nullable String whyRestore(WriterClaim.Result claim, RemoteReplay.Tail tail)
      throws IOException {
    if (!VersionSet.exists(storage, directory)) {
      return "the directory holds no Db";
    }
    Optional<String> fenced = FencedMarker.read(storage, directory);
    if (fenced.isPresent()) {
      return "its primary was " + fenced.get();
    }
    RemoteManifest base = claim.base();
    VersionSet.Recovered local = VersionSet.recover(storage, directory, options.numLevels());
    Set<Long> epochs = Set.of(base.epoch());
    if (local.writerEpoch() != base.epoch() || !epochs.containsAll(tail.epochs())) {
      // Reading older manifests is needed only when the newest is not of the local epoch alone.
      epochs = WriterClaim.epochsOfState(Objects.requireNonNull(remoteData), base);
    }
    if (!epochs.contains(local.writerEpoch())) {
      return "the directory holds the state of writer epoch "
          + local.writerEpoch()
          + ", the bucket that of epoch "
          + base.epoch();
    }
    if (!epochs.containsAll(tail.epochs())) {
      return "the bucket's write-ahead log holds writes of writer epochs "
          + tail.epochs()
          + " that this directory's epoch "
          + local.writerEpoch()
          + " never had";
    }
    if (local.lastSequence() < base.lastSequence()) {
      return "the bucket is ahead of the directory";
    }
    return null;
  }

  private static String writerId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
  }

  /**
   * After local recovery: applies the old primaries' WAL tail, flushes everything so the bucket's
   * first manifest of this epoch covers it, writes that manifest, and starts shipping after the
   * fence's margin.
   */
  private void becomePrimary(PrimaryClaim primary) throws IOException {
    RemoteConfig config = Objects.requireNonNull(remote);
    CountingObjectStore data = Objects.requireNonNull(remoteData);
    CountingObjectStore walStore = Objects.requireNonNull(remoteWal);
    StoreRetries retries = Objects.requireNonNull(storeRetries);
    WriterClaim.Result claim = primary.claim();
    long applied = 0;
    for (WalObject.Record record : primary.tail().records()) {
      if (record.lastSequence() <= lastSequence) {
        continue; // the local directory has it: the same write of the same history
      }
      if (record.firstSequence() != lastSequence + 1) {
        throw new dev.shale.lsm.api.CorruptionException(
            RemoteKeys.WAL,
            record.firstSequence(),
            "the bucket's write-ahead log continues at sequence "
                + record.firstSequence()
                + " but the tables end at "
                + lastSequence
                + ": writes in between are missing from the bucket");
      }
      replayBatch(record.firstSequence(), record.batch());
      applied++;
    }
    visibleSequence = lastSequence;
    config.pausePoints().hit("open.replayed");
    versions.logAndApply(new VersionEdit().writerEpoch(claim.epoch()));
    writerEpoch = claim.epoch();
    if (!active.isEmpty()) {
      long log;
      walLock.lock();
      try {
        log = wal.roll();
      } finally {
        walLock.unlock();
      }
      flushActiveWhileOpening(new VersionEdit().logNumber(log));
      synchronized (stateLock) {
        installSuperVersion();
      }
      walLock.lock();
      try {
        wal.deleteSegmentsBefore(log);
      } finally {
        walLock.unlock();
      }
    }
    WalShipper ship =
        new WalShipper(
            walStore,
            retries,
            claim.epoch(),
            claim.claim().writerId(),
            claim.shipAfter(),
            lastSequence,
            config.walObjectBytes(),
            config.walIntervalMillis(),
            config.maxInFlightUploads(),
            config.pausePoints(),
            this::recordFencing,
            e -> onBackgroundError("shipping to the object store", e));
    shipper = ship;
    RemoteSync sync =
        new RemoteSync(
            data,
            walStore,
            retries,
            versions,
            tables::path,
            ship,
            claim.epoch(),
            claim.claim().writerId(),
            claim.claim().id() + 1,
            claim.shipAfter(),
            config.gcGraceMillis(),
            config.pausePoints(),
            event -> listeners.tell(l -> l.onManifestWritten(event)));
    remoteSync = sync;
    try {
      sync.sync();
    } catch (FencedException e) {
      recordFencing(e);
      throw e;
    }
    config.pausePoints().hit("open.synced");
    syncExecutor = Executors.newSingleThreadExecutor(threads("shale-remote-sync"));
    LOG.info(
        "{}: primary of {} at writer epoch {}: replayed {} remote records (WAL objects {}..{}),"
            + " shipping from sequence {} into WAL objects after {}",
        directory,
        data.uri(),
        claim.epoch(),
        applied,
        claim.base().replayAfterWalId() + 1,
        primary.tail().lastId(),
        lastSequence + 1,
        claim.shipAfter());
  }

  /**
   * Records durably that this directory's primary was fenced, before any writer learns it (see
   * {@link FencedMarker}). Other failures are not recorded: the directory stays this bucket's.
   * Called only on threads that close() waits for (the shipper's failing upload, the sync thread,
   * open and close themselves), so no marker is written after the directory changed hands.
   */
  private void recordFencing(RuntimeException failure) {
    if (!(failure instanceof FencedException fenced) || remote == null) {
      return;
    }
    try {
      FencedMarker.write(storage, directory, fenced, remote.dataStore().uri());
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "{}: could not record that this primary was fenced; delete the directory before opening"
              + " it again, so that it is restored from the bucket",
          directory,
          e);
    }
  }

  /** Mirrors the current tree to the bucket soon (after a flush or a compaction). */
  private void requestRemoteSync() {
    ExecutorService executor = syncExecutor;
    RemoteSync sync = remoteSync;
    if (executor == null || sync == null || !syncQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            syncQueued.set(false);
            if (errors.stopsBackgroundWork()) {
              return;
            }
            try {
              sync.sync();
            } catch (IOException | RuntimeException e) {
              if (e instanceof FencedException fenced) {
                recordFencing(fenced);
              }
              onBackgroundError("mirroring the tree to the object store", e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      syncQueued.set(false); // closing
    }
  }

  /**
   * Writes the active memtable to level 0 with {@code edit} (plus the flushed sequence and the new
   * table) and starts a new one. Only while opening: no writer or flush runs yet.
   */
  private void flushActiveWhileOpening(VersionEdit edit) throws IOException {
    long start = System.nanoTime();
    List<FileMeta> files = writeLevel0(active);
    edit.lastSequence(active.largestSequence());
    files.forEach(f -> edit.addFile(0, f));
    versions.logAndApply(edit);
    tellFlushed(files, active.largestSequence(), start);
    active = newMemtable();
  }

  private void tellFlushed(List<FileMeta> files, long largestSequence, long startNanos) {
    if (!listeners.isEmpty()) {
      FlushEvent event =
          new FlushEvent(
              files.stream().map(FileMeta::fileId).toList(),
              files.stream().mapToLong(FileMeta::entryCount).sum(),
              files.stream().mapToLong(FileMeta::sizeBytes).sum(),
              largestSequence,
              System.nanoTime() - startNanos);
      listeners.tell(l -> l.onFlushCompleted(event));
    }
  }

  /** Applies one replayed batch; a memtable that fills up during replay is flushed right away. */
  private void replayBatch(long firstSequence, WriteBatch batch) {
    if (firstSequence <= lastSequence) {
      throw new ShaleException(
          "write-ahead log replay went backwards: sequence "
              + firstSequence
              + " after "
              + lastSequence);
    }
    applyToMemtable(active, firstSequence, batch);
    lastSequence = firstSequence + batch.count() - 1;
    if (active.table().approximateBytes() < options.memtableBytes()) {
      return;
    }
    if (readOnly) {
      // Nothing may be written: keep what is replayed in memory, as RocksDB's read-only open does.
      synchronized (stateLock) {
        active.freeze(wal.activeSegmentId());
        immutables.addLast(active);
        active = newMemtable();
      }
      return;
    }
    try {
      // The log keeps these records until the memtable replayed last is flushed, so the edit
      // moves only the flushed sequence, not the oldest live log segment.
      flushActiveWhileOpening(new VersionEdit());
    } catch (IOException e) {
      throw new StorageIOException("cannot flush during recovery", e);
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, WriteOptions.DEFAULT);
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions options) {
    write(new WriteBatch().put(key, value), options);
  }

  @Override
  public void delete(byte[] key) {
    delete(key, WriteOptions.DEFAULT);
  }

  @Override
  public void delete(byte[] key, WriteOptions options) {
    write(new WriteBatch().delete(key), options);
  }

  @Override
  public void write(WriteBatch batch) {
    write(batch, WriteOptions.DEFAULT);
  }

  @Override
  public void write(WriteBatch batch, WriteOptions writeOptions) {
    if (batch == null) {
      throw new IllegalArgumentException("batch must not be null");
    }
    if (writeOptions == null) {
      throw new IllegalArgumentException("write options must not be null");
    }
    ensureOpen();
    refuseIfReadOnly();
    checkLimits(batch);
    if (batch.isEmpty()) {
      return;
    }
    Durability durability = durabilityOf(writeOptions);
    ensureWritable();
    PendingWrite write = PendingWrite.batch(batch, durability, writeOptions.noSlowdown());
    commits.submit(write);
    awaitRemote(write);
  }

  private Durability durabilityOf(WriteOptions writeOptions) {
    Durability durability = writeOptions.durabilityOr(options.defaultDurability());
    if (durability == Durability.REMOTE && remote == null) {
      throw new IllegalArgumentException(
          "REMOTE durability needs a Db opened with an object store; use MEMORY or LOCAL");
    }
    return durability;
  }

  /** For a REMOTE write, waits until its WAL object is in the bucket. */
  private void awaitRemote(PendingWrite write) {
    WalShipper ship = shipper;
    if (write.durability() == Durability.REMOTE && ship != null) {
      ship.awaitDurable(write.firstSequence() + write.batch().count() - 1);
    }
  }

  private void checkLimits(WriteBatch batch) {
    if (batch.maxKeyLength() > options.maxKeyBytes()) {
      throw new IllegalArgumentException(
          "key of "
              + batch.maxKeyLength()
              + " bytes exceeds the limit of "
              + options.maxKeyBytes());
    }
    if (batch.maxValueLength() > options.maxValueBytes()) {
      throw new IllegalArgumentException(
          "value of "
              + batch.maxValueLength()
              + " bytes exceeds the limit of "
              + options.maxValueBytes());
    }
    if (batch.encodedLength() > options.maxBatchBytes()) {
      throw new IllegalArgumentException(
          "batch of "
              + batch.encodedLength()
              + " bytes exceeds the limit of "
              + options.maxBatchBytes()
              + "; split it");
    }
  }

  /** The commit leader's work for one group: make room, log, apply, publish. */
  private void commitGroup(List<PendingWrite> submitted) {
    long groupStart = System.nanoTime();
    List<PendingWrite> group;
    try {
      group = makeRoomForWrite(submitted);
    } catch (RuntimeException e) {
      submitted.forEach(w -> w.complete(e));
      return;
    }
    if (group.isEmpty()) {
      return;
    }
    long sequence = lastSequence;
    boolean sync = false;
    long bytes = 0;
    long operations = 0;
    for (PendingWrite w : group) {
      w.assignFirstSequence(sequence + 1);
      sequence += w.batch().count();
      sync |= w.durability() != Durability.MEMORY;
      bytes += w.batch().encodedLength();
      operations += w.batch().count();
    }
    long logStart = System.nanoTime();
    walLock.lock();
    try {
      for (PendingWrite w : group) {
        wal.append(w.firstSequence(), w.batch());
      }
      if (sync) {
        wal.sync();
        counters.walSyncs.incrementAndGet();
      } else {
        wal.flush();
      }
    } catch (IOException | RuntimeException e) {
      walBroken = true;
      RuntimeException failure = onBackgroundError("write-ahead log write", e);
      group.forEach(w -> w.complete(failure));
      return;
    } finally {
      walLock.unlock();
    }
    long logNanos = System.nanoTime() - logStart;
    WalShipper ship = shipper;
    if (ship != null) {
      try {
        for (PendingWrite w : group) {
          ship.append(w.firstSequence(), w.batch());
        }
      } catch (RuntimeException e) {
        RuntimeException failure = onBackgroundError("shipping to the object store", e);
        group.forEach(w -> w.complete(failure));
        return;
      }
    }
    try {
      for (PendingWrite w : group) {
        applyToMemtable(active, w.firstSequence(), w.batch());
      }
    } catch (RuntimeException | Error e) {
      RuntimeException failure = onBackgroundError("memtable insert", e);
      group.forEach(w -> w.complete(failure));
      return;
    }
    lastSequence = sequence;
    visibleSequence = sequence;
    counters.batches.addAndGet(group.size());
    counters.operations.addAndGet(operations);
    counters.userBytes.addAndGet(bytes);
    counters.groups.incrementAndGet();
    if (!listeners.isEmpty()) {
      CommitGroupEvent event =
          new CommitGroupEvent(
              group.size(), operations, bytes, sync, logNanos, System.nanoTime() - groupStart);
      listeners.tell(l -> l.onCommitGroup(event));
    }
    group.forEach(w -> w.complete(null));
  }

  private static void applyToMemtable(MemtableHandle target, long firstSequence, WriteBatch batch) {
    var table = target.table();
    batch.forEach(
        (i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) ->
            table.add(
                firstSequence + i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength));
    target.advanceLargestSequence(firstSequence + batch.count() - 1);
    target.addLoggedBytes(batch.encodedLength());
  }

  /**
   * Switches a full memtable, delays writers when background work falls behind, and stops them
   * while it is too far behind. Returns the writes that may proceed; the others are completed.
   */
  private List<PendingWrite> makeRoomForWrite(List<PendingWrite> submitted) {
    List<PendingWrite> group = submitted;
    long start = System.nanoTime();
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.stallTimeoutMillis());
    boolean stopped = false;
    boolean delayed = false;
    try {
      while (true) {
        ensureWritable();
        if (writesClosed) {
          throw new IllegalStateException("the Db is closed");
        }
        String stop = null;
        int level0 = superVersion.version().level(0).size();
        long pending = compactions.pendingBytes();
        if (active.table().approximateBytes() >= options.memtableBytes()) {
          if (immutableCount() >= options.maxImmutableMemtables()) {
            stop = immutableCount() + " memtables are waiting for flush";
          } else {
            switchMemtable();
            continue;
          }
        } else if (level0 >= options.level0StopTrigger()) {
          stop = "level 0 has " + level0 + " files";
        } else if (pending >= options.hardPendingCompactionBytes()) {
          stop = pending + " bytes are waiting for compaction";
        }
        if (stop == null) {
          boolean slow =
              level0 >= options.level0SlowdownTrigger()
                  || pending >= options.softPendingCompactionBytes()
                  || (options.maxImmutableMemtables() >= 3
                      && immutableCount() >= options.maxImmutableMemtables() - 1);
          if (slow && !delayed) {
            stallChanged(WriteStallEvent.State.DELAYED, slowCause(level0, pending));
            group = failNoSlowdown(group, "writes are being slowed down");
            delay(group);
            delayed = true;
          }
          if (!slow) {
            stallChanged(WriteStallEvent.State.NORMAL, "");
          }
          return group;
        }
        stallChanged(WriteStallEvent.State.STOPPED, stop);
        group = failNoSlowdown(group, "writes are stopped: " + stop);
        if (group.isEmpty()) {
          return group;
        }
        if (!stopped) {
          stopped = true;
          counters.stops.incrementAndGet();
          LOG.warn("{}: stopping writes until background work catches up: {}", directory, stop);
        }
        if (timeoutNanos > 0 && System.nanoTime() - start > timeoutNanos) {
          throw new WriteStallException(
              "writes stopped for more than "
                  + options.stallTimeoutMillis()
                  + " ms because "
                  + stop
                  + "; retry later or raise the limits");
        }
        synchronized (stallMonitor) {
          stallMonitor.wait(STALL_POLL_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteStallException("interrupted while writes were stopped");
    } catch (IOException e) {
      walBroken = true;
      throw onBackgroundError("memtable switch", e);
    } finally {
      if (stopped || delayed) {
        counters.stallMicros.addAndGet((System.nanoTime() - start) / 1000);
      }
    }
  }

  private String slowCause(int level0, long pending) {
    if (level0 >= options.level0SlowdownTrigger()) {
      return "level 0 has " + level0 + " files";
    }
    if (pending >= options.softPendingCompactionBytes()) {
      return pending + " bytes are waiting for compaction";
    }
    return immutableCount() + " memtables are waiting for flush";
  }

  /** Tells listeners when the stall state changes. Commit leader only. */
  private void stallChanged(WriteStallEvent.State state, String cause) {
    if (state != stallState) {
      stallState = state;
      WriteStallEvent event = new WriteStallEvent(state, cause);
      listeners.tell(l -> l.onWriteStall(event));
    }
  }

  private List<PendingWrite> failNoSlowdown(List<PendingWrite> group, String why) {
    List<PendingWrite> rest = new ArrayList<>(group.size());
    for (PendingWrite w : group) {
      if (w.noSlowdown()) {
        w.complete(new WriteStallException(why + "; the write asked not to wait"));
      } else {
        rest.add(w);
      }
    }
    return rest;
  }

  private void delay(List<PendingWrite> group) {
    long bytes = 0;
    for (PendingWrite w : group) {
      bytes += w.batch().encodedLength();
    }
    counters.slowdowns.incrementAndGet();
    long nanos = Math.max(100_000, bytes * 1_000_000_000L / DELAYED_WRITE_BYTES_PER_SECOND);
    LockSupport.parkNanos(Math.min(nanos, 100_000_000));
  }

  /** Freezes the active memtable and starts a new one with a new log segment. Leader only. */
  private void switchMemtable() throws IOException {
    if (active.isEmpty()) {
      return;
    }
    long nextLog;
    walLock.lock();
    try {
      nextLog = wal.roll();
    } finally {
      walLock.unlock();
    }
    synchronized (stateLock) {
      active.freeze(nextLog);
      immutables.addLast(active);
      active = newMemtable();
      installSuperVersion();
    }
    flushExecutor.execute(this::flushImmutables);
  }

  private MemtableHandle newMemtable() {
    return new MemtableHandle(
        memtableIds.incrementAndGet(),
        parts.memtable().create(new MemtableOptions(options.memtableBytes())));
  }

  private int immutableCount() {
    synchronized (stateLock) {
      return immutables.size();
    }
  }

  // ---------------------------------------------------------------- flush

  /** Flushes immutable memtables oldest first, one at a time (the flush thread). */
  private void flushImmutables() {
    while (!closing && !errors.stopsBackgroundWork()) {
      MemtableHandle oldest;
      synchronized (stateLock) {
        oldest = immutables.peekFirst();
      }
      if (oldest == null) {
        return;
      }
      try {
        flush(oldest);
      } catch (IOException | RuntimeException | Error e) {
        onBackgroundError("flush", e);
        return;
      }
    }
  }

  private void flush(MemtableHandle memtable) throws IOException {
    long start = System.nanoTime();
    List<FileMeta> files = memtable.isEmpty() ? List.of() : writeLevel0(memtable);
    VersionEdit edit =
        new VersionEdit()
            .logNumber(memtable.nextLogNumber())
            .lastSequence(Math.max(versions.lastSequence(), memtable.largestSequence()));
    files.forEach(f -> edit.addFile(0, f));
    try {
      versions.logAndApply(edit);
    } catch (IOException | RuntimeException | Error e) {
      deleteUnlisted(files); // a retry writes them anew
      throw e;
    }
    synchronized (stateLock) {
      if (immutables.peekFirst() != memtable) {
        throw new IllegalStateException(
            "flushed " + memtable + " is not the oldest immutable memtable");
      }
      immutables.removeFirst();
      installSuperVersion();
    }
    walLock.lock();
    try {
      wal.deleteSegmentsBefore(memtable.nextLogNumber());
    } finally {
      walLock.unlock();
    }
    counters.flushes.incrementAndGet();
    files.forEach(f -> counters.flushedBytes.addAndGet(f.sizeBytes()));
    LOG.debug("flushed {} into {}", memtable, files);
    tellFlushed(files, memtable.largestSequence(), start);
    lifetime.persist(sinceOpen());
    compactions.refreshPendingBytes();
    wakeStalledWriters();
    compactions.maybeSchedule();
    requestRemoteSync();
  }

  private List<FileMeta> writeLevel0(MemtableHandle memtable) throws IOException {
    TableSink sink = newSink(Long.MAX_VALUE);
    try (InternalIterator entries = memtable.table().iterator()) {
      VersionCollapser collapser = new VersionCollapser(snapshots.sequences(), key -> true);
      TableRewrite.copy(entries, collapser, sink, n -> {}, () -> false);
      return sink.finish();
    } catch (IOException | RuntimeException | Error e) {
      sink.abandon();
      throw e;
    }
  }

  private TableSink newSink(long targetFileBytes) {
    return new TableSink(
        storage,
        tables.directory(),
        tables::path,
        parts.tableFormat(),
        tableOptions,
        versions::newFileNumber,
        targetFileBytes);
  }

  /** Publishes a new super version from the current memtables and version. Holds stateLock. */
  private void installSuperVersion() {
    List<MemtableHandle> newestFirst = new ArrayList<>(immutables.size());
    Iterator<MemtableHandle> it = immutables.descendingIterator();
    while (it.hasNext()) {
      newestFirst.add(it.next());
    }
    SuperVersion next = new SuperVersion(active, newestFirst, versions.acquireCurrent());
    SuperVersion previous = superVersion;
    superVersion = next;
    if (previous != null) {
      previous.unref();
    }
  }

  private void wakeStalledWriters() {
    synchronized (stallMonitor) {
      stallMonitor.notifyAll();
    }
  }

  /** Deletes a table no live version lists (called when the last such version is released). */
  private void releaseFile(FileMeta file) {
    if (releasingLiveVersions) {
      return; // close releases every version; these files are live, not obsolete
    }
    try {
      tables.evict(file.fileId());
      storage.delete(tables.path(file.fileId()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not delete obsolete table {}; it will be deleted on the next open", file, e);
      return;
    }
    TableDeletedEvent event = new TableDeletedEvent(file.fileId());
    listeners.tell(l -> l.onTableDeleted(event));
  }

  @Override
  public void flush() {
    ensureOpen();
    refuseIfReadOnly();
    MemtableHandle[] target = new MemtableHandle[1];
    commits.submit(
        PendingWrite.control(
            () -> {
              ensureWritable();
              MemtableHandle current = active;
              switchMemtable();
              target[0] = current;
            }));
    awaitFlushed(target[0]);
  }

  private void awaitFlushed(@Nullable MemtableHandle memtable) {
    if (memtable == null) {
      return;
    }
    while (true) {
      synchronized (stateLock) {
        if (!immutables.contains(memtable)) {
          return;
        }
      }
      ensureWritable();
      if (closing) {
        throw new IllegalStateException("the Db was closed while waiting for a flush");
      }
      synchronized (stallMonitor) {
        try {
          stallMonitor.wait(STALL_POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ShaleException("interrupted while waiting for a flush", e);
        }
      }
    }
  }

  @Override
  public void compactRange(byte @Nullable [] from, byte @Nullable [] to) {
    flush();
    try {
      compactions.compactRange(from, to);
    } catch (IOException e) {
      throw new StorageIOException("manual compaction failed", e);
    }
    ensureWritable();
  }

  /**
   * Waits until no flush or compaction is pending: the strategy wants no more work (tests,
   * benchmarks, and {@code shale load}, which leaves a settled tree).
   */
  public void awaitBackgroundWork() {
    ensureOpen();
    if (readOnly) {
      return; // a read-only Db runs no background work
    }
    while (immutableCount() > 0 && !errors.stopsBackgroundWork()) {
      synchronized (stallMonitor) {
        try {
          stallMonitor.wait(STALL_POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    try {
      compactions.awaitQuiet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ensureWritable();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte @Nullable [] get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  @Override
  public byte @Nullable [] get(byte[] key, ReadOptions readOptions) {
    checkKey(key);
    ensureOpen();
    long snapshot = snapshotSequence(readOptions);
    SuperVersion sv = acquireSuperVersion();
    try {
      LookupResult found = sv.active().table().get(key, snapshot);
      if (found == null) {
        for (MemtableHandle m : sv.immutables()) {
          found = m.table().get(key, snapshot);
          if (found != null) {
            break;
          }
        }
      }
      if (found == null) {
        found = getFromTables(sv.version(), key, snapshot);
      }
      return found == null || found.isTombstone() ? null : found.value().clone();
    } finally {
      sv.unref();
    }
  }

  private @Nullable LookupResult getFromTables(Version version, byte[] key, long snapshot) {
    for (FileMeta f : version.level(0)) {
      if (f.covers(key) && f.smallestSequence() <= snapshot) {
        LookupResult found = tables.reader(f.fileId()).get(key, snapshot);
        if (found != null) {
          return found;
        }
      }
    }
    for (int level = 1; level < version.numLevels(); level++) {
      FileMeta f = version.fileFor(level, key);
      if (f != null) {
        LookupResult found = tables.reader(f.fileId()).get(key, snapshot);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  @Override
  public DbIterator iterator(ReadOptions readOptions) {
    if (readOptions == null) {
      throw new IllegalArgumentException("read options must not be null");
    }
    ensureOpen();
    long snapshot = snapshotSequence(readOptions);
    UserIterator.Bounds bounds =
        UserIterator.effectiveBounds(
            readOptions.lowerBound(), readOptions.upperBound(), readOptions.prefix());
    SuperVersion sv = acquireSuperVersion();
    List<InternalIterator> children = new ArrayList<>();
    try {
      children.add(sv.active().table().iterator());
      for (MemtableHandle m : sv.immutables()) {
        children.add(m.table().iterator());
      }
      Version version = sv.version();
      for (FileMeta f : version.level(0)) {
        children.add(tables.reader(f.fileId()).iterator(readOptions.fillCache()));
      }
      for (int level = 1; level < version.numLevels(); level++) {
        if (!version.level(level).isEmpty()) {
          children.add(new LevelIterator(version.level(level), tables, readOptions.fillCache()));
        }
      }
    } catch (RuntimeException | Error e) {
      children.forEach(InternalIterator::close);
      sv.unref();
      throw e;
    }
    AtomicInteger released = new AtomicInteger();
    return new UserIterator(
        new MergingIterator(children),
        snapshot,
        bounds.lower(),
        bounds.upper(),
        () -> {
          if (released.getAndIncrement() == 0) {
            sv.unref();
          }
        });
  }

  @Override
  public Transaction beginTransaction(TransactionOptions transactionOptions) {
    if (transactionOptions == null) {
      throw new IllegalArgumentException("transaction options must not be null");
    }
    ensureOpen();
    TransactionProvider provider = parts.transactions();
    if (provider == null) {
      throw new UnsupportedOperationException(
          "no transaction provider is installed; put the lsm-txn module on the class or module path");
    }
    return provider.begin(transactionSupport, transactionOptions);
  }

  @Override
  public Snapshot snapshot() {
    ensureOpen();
    return snapshots.take(visibleSequence);
  }

  private long snapshotSequence(ReadOptions readOptions) {
    Snapshot s = readOptions.snapshot();
    if (s == null) {
      return visibleSequence;
    }
    if (!snapshots.isOpen(s)) {
      throw new IllegalArgumentException("the snapshot is closed or belongs to another Db");
    }
    return s.sequence();
  }

  private SuperVersion acquireSuperVersion() {
    while (true) {
      SuperVersion sv = superVersion;
      if (sv.tryRef()) {
        return sv;
      }
    }
  }

  private static void checkKey(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  // ---------------------------------------------------------------- state and stats

  @Override
  public DbStats stats() {
    ensureOpen();
    SuperVersion sv = acquireSuperVersion();
    try {
      Version version = sv.version();
      long[] targets = compactions.strategy().levelTargetBytes(version.shape(Set.of(), List.of()));
      List<DbStats.Level> levels = new ArrayList<>();
      long lastLevelBytes = 0;
      for (int l = 0; l < version.numLevels(); l++) {
        long bytes = version.levelBytes(l);
        if (bytes > 0) {
          lastLevelBytes = bytes;
        }
        levels.add(
            new DbStats.Level(
                l, version.level(l).size(), bytes, l < targets.length ? targets[l] : 0));
      }
      long immutableBytes = 0;
      for (MemtableHandle m : sv.immutables()) {
        immutableBytes += m.table().approximateBytes();
      }
      BlockCacheStats cache = blockCache.stats();
      long userBytes = counters.userBytes.get();
      long written = counters.flushedBytes.get() + compactions.bytesWritten();
      long total = version.totalBytes();
      String reason = readOnly ? "opened read-only" : errors.reason();
      return new DbStats(
          visibleSequence,
          new DbStats.Memtables(
              sv.active().table().approximateBytes(),
              sv.active().table().entryCount(),
              sv.immutables().size(),
              immutableBytes,
              counters.flushes.get(),
              counters.flushedBytes.get()),
          new DbStats.Writes(
              counters.batches.get(),
              counters.operations.get(),
              userBytes,
              counters.groups.get(),
              wal.bytesWritten(),
              counters.walSyncs.get(),
              counters.slowdowns.get(),
              counters.stops.get(),
              counters.stallMicros.get(),
              reason == null ? "" : reason),
          levels,
          new DbStats.Cache(
              blockCache.capacityBytes(),
              cache.usedBytes(),
              cache.hits(),
              cache.misses(),
              cache.evictions()),
          new DbStats.Compactions(
              compactions.strategyName(),
              compactions.completed(),
              compactions.running(),
              compactions.bytesRead(),
              compactions.bytesWritten(),
              compactions.micros(),
              compactions.pendingBytes(),
              compactions.runningInputEntries(),
              compactions.runningEntriesDone(),
              userBytes == 0 ? 0 : (double) written / userBytes,
              lastLevelBytes == 0 ? 0 : (double) total / lastLevelBytes),
          snapshots.stats(),
          shippingStats(),
          lifetime.total(sinceOpen()),
          errors.stats(),
          recovery);
    } finally {
      sv.unref();
    }
  }

  private DbStats.Shipping shippingStats() {
    WalShipper ship = shipper;
    RemoteSync sync = remoteSync;
    CountingObjectStore data = remoteData;
    CountingObjectStore walStore = remoteWal;
    StoreRetries retries = storeRetries;
    if (ship == null || sync == null || data == null || walStore == null || retries == null) {
      return DbStats.Shipping.NONE;
    }
    WalShipper.Progress progress = ship.progress();
    RemoteSync.Counts counts = sync.counts();
    CountingObjectStore.Counts requests = data.counts();
    if (walStore != data) {
      requests = requests.plus(walStore.counts());
    }
    String reason = errors.reason();
    return new DbStats.Shipping(
        true,
        writerEpoch,
        progress.appendedSequence(),
        progress.durableSequence(),
        progress.lagMillis(),
        progress.objects(),
        progress.bytes(),
        counts.manifests(),
        counts.tables(),
        counts.tableBytes(),
        counts.deleted(),
        requests.puts(),
        requests.gets(),
        requests.heads() + requests.lists() + requests.deletes(),
        retries.retries(),
        reason == null ? "" : reason);
  }

  /** The Db's directory. */
  public Path directory() {
    return directory;
  }

  private void ensureOpen() {
    if (closing) {
      throw new IllegalStateException("the Db is closed");
    }
  }

  private void refuseIfReadOnly() {
    if (readOnly) {
      throw new IllegalStateException(
          "the Db in "
              + directory
              + " is open read-only: it takes no writes, flushes or compactions; open it without"
              + " readOnly() to change it");
    }
  }

  private void ensureWritable() {
    String reason = errors.reason();
    if (reason != null) {
      Throwable cause = errors.error();
      if (cause instanceof FencedException fenced) {
        throw new FencedException(
            "the Db is read-only: " + fenced.getMessage(), fenced.ownEpoch(), fenced.newerEpoch());
      }
      String what =
          errors.stats().state() == DbStats.BackgroundErrors.State.RETRYING
              ? "; it is retried automatically (a full disk freed, memory back): retry the write"
                  + " later"
              : "; fix the cause (disk space, permissions) and reopen it";
      throw new StorageIOException(
          "the Db is read-only after a background error (" + reason + ")" + what,
          cause == null ? new IOException(reason) : cause);
    }
  }

  /** Records a background error (the Db turns read-only) and returns what to throw. */
  private RuntimeException onBackgroundError(String what, Throwable error) {
    RuntimeException failure = errors.record(what, error);
    lastErrorWhat = what;
    BackgroundErrorEvent event = new BackgroundErrorEvent(what, String.valueOf(error), false);
    listeners.tell(l -> l.onBackgroundError(event));
    return failure;
  }

  /** After the error state changed: wake stalled writers; after a recovery, resume work. */
  private void afterErrorChange() {
    wakeStalledWriters();
    if (!closing && !errors.writesRefused()) {
      String what = lastErrorWhat;
      if (what != null) {
        lastErrorWhat = null;
        BackgroundErrorEvent event = new BackgroundErrorEvent(what, "", true);
        listeners.tell(l -> l.onBackgroundError(event));
      }
      compactions.maybeSchedule();
      requestRemoteSync();
    }
  }

  /**
   * A retry of {@link BackgroundErrors}: rolls the log and flushes every memtable (the active one
   * too, even empty), so that the tree no longer depends on a log segment that a failed write may
   * have torn, nor on the sequence numbers of a group that failed; then the Db can take writes.
   */
  private void resumeAfterError() throws Exception {
    boolean reopenLog = walBroken;
    commits.submit(
        PendingWrite.control(
            () -> {
              long next;
              walLock.lock();
              try {
                if (reopenLog) {
                  // The log refuses writes after a failed one; a new instance starts a segment
                  // after every old one, which the flush below makes obsolete.
                  closeQuietly(wal);
                  wal = openWal();
                }
                next = wal.roll();
              } finally {
                walLock.unlock();
              }
              synchronized (stateLock) {
                active.freeze(next);
                immutables.addLast(active);
                active = newMemtable();
                installSuperVersion();
              }
            }));
    flushExecutor.submit(this::flushImmutables).get();
    if (immutableCount() > 0) {
      throw new IOException(immutableCount() + " memtables are still waiting for flush");
    }
    if (reopenLog) {
      // Every segment the failed write touched is flushed and deleted: a fresh log no longer
      // remembers the sequence numbers of the write that failed, which the next write reuses.
      commits.submit(
          PendingWrite.control(
              () -> {
                walLock.lock();
                try {
                  wal.close();
                  wal = openWal();
                  walBroken = false;
                } finally {
                  walLock.unlock();
                }
              }));
    }
  }

  private WriteAheadLog openWal() throws IOException {
    return parts
        .wal()
        .open(new WalOptions(storage, directory.resolve("wal"), options.walSegmentBytes()));
  }

  private static void closeQuietly(WriteAheadLog log) {
    try {
      log.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the failed write-ahead log: {}", e.toString());
    }
  }

  private DbStats.Lifetime sinceOpen() {
    return new DbStats.Lifetime(
        0,
        counters.flushes.get(),
        counters.flushedBytes.get(),
        compactions.completed(),
        compactions.bytesRead(),
        compactions.bytesWritten(),
        counters.batches.get(),
        counters.operations.get(),
        counters.userBytes.get());
  }

  private void deleteUnlisted(List<FileMeta> files) {
    for (FileMeta f : files) {
      try {
        tables.evict(f.fileId());
        storage.delete(tables.path(f.fileId()));
      } catch (IOException | RuntimeException e) {
        LOG.debug("could not delete unlisted table {}; the next open deletes it", f, e);
      }
    }
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    try {
      commits.submit(PendingWrite.control(() -> writesClosed = true));
    } catch (RuntimeException e) {
      writesClosed = true;
    }
    flushOnClose();
    closing = true;
    errors.close();
    compactions.shutdown();
    shutdown(flushExecutor);
    shutdown(compactionExecutor);
    List<Throwable> failures = new ArrayList<>();
    closeRemote(failures);
    walLock.lock();
    try {
      wal.close();
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    } finally {
      walLock.unlock();
    }
    if (!readOnly) {
      lifetime.persist(sinceOpen());
    }
    releasingLiveVersions = true;
    synchronized (stateLock) {
      superVersion.unref();
    }
    try {
      versions.close();
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
    tables.close();
    blockCache.close();
    try {
      lock.close();
    } catch (IOException e) {
      failures.add(e);
    }
    LOG.info("closed {}", directory);
    if (!failures.isEmpty()) {
      StorageIOException e =
          new StorageIOException("closing " + directory + " failed", failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  /**
   * A clean close leaves little log to replay: when the memtables hold at least {@link
   * #FLUSH_ON_CLOSE_BYTES}, they are flushed, so that the next open (a command line call, a
   * restarted server, a benchmark's reopen) starts with empty memtables instead of replaying the
   * log into them. A failure is logged, not thrown: the log still holds every write.
   */
  private void flushOnClose() {
    if (readOnly || errors.writesRefused()) {
      return;
    }
    long bytes;
    synchronized (stateLock) {
      bytes = active.loggedBytes();
      for (MemtableHandle m : immutables) {
        bytes += m.loggedBytes();
      }
    }
    if (bytes < FLUSH_ON_CLOSE_BYTES) {
      return;
    }
    long started = System.nanoTime();
    try {
      flush();
      LOG.info(
          "{}: flushed {} bytes of writes at close in {} ms, so the next open replays no log",
          directory,
          bytes,
          (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: flushing the memtables at close failed; the log keeps their writes and the next"
              + " open replays them",
          directory,
          e);
    }
  }

  /** Ships what is buffered, mirrors the final tree, and stops shipping. */
  private void closeRemote(List<Throwable> failures) {
    ExecutorService executor = syncExecutor;
    if (executor != null) {
      shutdown(executor);
    }
    WalShipper ship = shipper;
    if (ship != null) {
      ship.close(Objects.requireNonNull(remote).retryMillis());
    }
    RemoteSync sync = remoteSync;
    if (sync != null && !errors.writesRefused()) {
      try {
        sync.sync();
      } catch (IOException | RuntimeException e) {
        if (e instanceof FencedException fenced) {
          recordFencing(fenced);
        }
        LOG.warn("{}: the last mirror of the tree to the object store failed", directory, e);
      }
    }
    if (remote != null) {
      try {
        remote.closeOwnedStores();
      } catch (IOException | RuntimeException e) {
        failures.add(e);
      }
    }
  }

  private static void shutdown(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The primitives transactions are built on; validation runs on the commit leader. */
  private final class EngineTransactionSupport implements TransactionSupport {
    @Override
    public Snapshot snapshot() {
      return Engine.this.snapshot();
    }

    @Override
    public byte @Nullable [] get(byte[] key, ReadOptions readOptions) {
      return Engine.this.get(key, readOptions);
    }

    @Override
    public DbIterator iterator(ReadOptions readOptions) {
      return Engine.this.iterator(readOptions);
    }

    @Override
    public void commit(WriteBatch batch, WriteOptions writeOptions, CommitValidator validator) {
      if (batch == null || writeOptions == null || validator == null) {
        throw new IllegalArgumentException("batch, options and validator must not be null");
      }
      ensureOpen();
      refuseIfReadOnly();
      checkLimits(batch);
      Durability durability = durabilityOf(writeOptions);
      ensureWritable();
      PendingWrite write = PendingWrite.batch(batch, durability, writeOptions.noSlowdown());
      commits.submit(
          PendingWrite.control(
              () -> {
                validator.validate(new LeaderState());
                if (!batch.isEmpty()) {
                  commitGroup(List.of(write));
                  write.rethrowFailure();
                }
              }));
      if (!batch.isEmpty()) {
        awaitRemote(write);
      }
    }
  }

  /** The committed state as the commit leader sees it: every earlier commit applied. */
  private final class LeaderState implements TransactionSupport.CommittedState {
    @Override
    public long latestSequence(byte[] key) {
      checkKey(key);
      SuperVersion sv = acquireSuperVersion();
      try {
        LookupResult found = sv.active().table().get(key, Sequences.MAX_SEQUENCE);
        if (found == null) {
          for (MemtableHandle m : sv.immutables()) {
            found = m.table().get(key, Sequences.MAX_SEQUENCE);
            if (found != null) {
              break;
            }
          }
        }
        if (found == null) {
          found = getFromTables(sv.version(), key, Sequences.MAX_SEQUENCE);
        }
        return found == null ? -1 : found.sequence();
      } finally {
        sv.unref();
      }
    }

    @Override
    public boolean changedSince(byte @Nullable [] from, byte @Nullable [] to, long sequence) {
      SuperVersion sv = acquireSuperVersion();
      try {
        List<InternalIterator> sources = new ArrayList<>();
        List<MemtableHandle> memtables = new ArrayList<>(sv.immutables());
        memtables.add(sv.active());
        for (MemtableHandle m : memtables) {
          if (m.largestSequence() > sequence) {
            sources.add(m.table().iterator());
          }
        }
        Version version = sv.version();
        for (int level = 0; level < version.numLevels(); level++) {
          for (FileMeta f : version.overlapping(level, from, to)) {
            if (f.largestSequence() > sequence) {
              sources.add(tables.reader(f.fileId()).iterator(false));
            }
          }
        }
        for (InternalIterator source : sources) {
          try (source) {
            if (hasNewer(source, from, to, sequence)) {
              return true;
            }
          }
        }
        return false;
      } finally {
        sv.unref();
      }
    }

    private boolean hasNewer(
        InternalIterator source, byte @Nullable [] from, byte @Nullable [] to, long sequence) {
      if (from == null) {
        source.seekToFirst();
      } else {
        source.seek(from, Sequences.MAX_SEQUENCE);
      }
      for (; source.isValid(); source.next()) {
        if (to != null && KeyOrder.compareKeys(source.key(), to) >= 0) {
          return false;
        }
        if (source.sequence() > sequence) {
          return true;
        }
      }
      return false;
    }
  }

  /** What the compaction scheduler needs from the engine. */
  private final class SchedulerHost implements CompactionScheduler.Host {
    @Override
    public Version acquireVersion() {
      return versions.acquireCurrent();
    }

    @Override
    public long[] liveSnapshots() {
      return snapshots.sequences();
    }

    @Override
    public TableSink newSink(long targetFileBytes) {
      return Engine.this.newSink(targetFileBytes);
    }

    @Override
    public TableCache tables() {
      return tables;
    }

    @Override
    public void install(VersionEdit edit) throws IOException {
      versions.logAndApply(edit);
      synchronized (stateLock) {
        installSuperVersion();
      }
      wakeStalledWriters();
      requestRemoteSync();
      lifetime.persist(sinceOpen());
    }

    @Override
    public boolean mayStartWork() {
      return !closing && !errors.stopsBackgroundWork();
    }

    @Override
    public void compacted(CompactionEvent event) {
      listeners.tell(l -> l.onCompactionCompleted(event));
    }

    @Override
    public void onBackgroundError(String what, Throwable error) {
      Engine.this.onBackgroundError(what, error);
    }
  }

  /** Write-path counters since open. */
  private static final class Counters {
    final AtomicLong batches = new AtomicLong();
    final AtomicLong operations = new AtomicLong();
    final AtomicLong userBytes = new AtomicLong();
    final AtomicLong groups = new AtomicLong();
    final AtomicLong walSyncs = new AtomicLong();
    final AtomicLong slowdowns = new AtomicLong();
    final AtomicLong stops = new AtomicLong();
    final AtomicLong stallMicros = new AtomicLong();
    final AtomicLong flushes = new AtomicLong();
    final AtomicLong flushedBytes = new AtomicLong();
  }
}
