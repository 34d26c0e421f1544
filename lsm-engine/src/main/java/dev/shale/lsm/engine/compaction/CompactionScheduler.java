package dev.shale.lsm.engine.compaction;

import dev.shale.lsm.api.event.CompactionEvent;
import dev.shale.lsm.engine.read.LevelIterator;
import dev.shale.lsm.engine.read.MergingIterator;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.table.TableRewrite;
import dev.shale.lsm.engine.table.TableSink;
import dev.shale.lsm.engine.table.VersionCollapser;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.Version;
import dev.shale.lsm.engine.version.VersionEdit;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.JobRules;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs compactions: asks the {@link CompactionStrategy} for jobs whenever the tree changes, checks
 * each against {@link JobRules}, runs up to {@code maxJobs} at once on background threads, and
 * installs each result atomically through the host. A drop job deletes its files through a version
 * edit, as a merge deletes its inputs, and waits while an open snapshot may see their data. Manual
 * compactions ({@link #compactRange}) pause automatic picking, stop the running automatic jobs
 * (whose work the manual one redoes, so letting them finish would write the data twice), and merge
 * a key range down to the last level, rewriting every file even when one alone would otherwise just
 * move.
 */
public final class CompactionScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(CompactionScheduler.class);

  /** What the scheduler needs from the engine. */
  public interface Host {
    /** The current version, referenced; the caller releases it. */
    Version acquireVersion();

    /** Live snapshot sequences. */
    long[] liveSnapshots();

    /** A sink for new tables split at {@code targetFileBytes}. */
    TableSink newSink(long targetFileBytes);

    /** Open readers. */
    TableCache tables();

    /** Records the edit in the manifest and makes it visible to readers. */
    void install(VersionEdit edit) throws IOException;

    /** A job failed in a way that leaves the Db unable to continue safely. */
    void onBackgroundError(String what, Throwable error);

    /** A job was installed: tells the Db's listeners. */
    void compacted(CompactionEvent event);

    /**
     * Whether background jobs may start: false after a background error until it is recovered from,
     * so that a full disk does not make jobs fail one after another.
     */
    boolean mayStartWork();
  }

  private final Host host;
  private final CompactionStrategy strategy;
  private final String strategyName;
  private final ExecutorService executor;
  private final int maxJobs;
  private final long manualTargetFileBytes;
  private final Object lock = new Object();
  private final Set<Long> compacting = new HashSet<>();
  private final List<RunningJob> running = new ArrayList<>();
  private int manualWaiters;
  private volatile boolean manualPending; // manualWaiters > 0, for running jobs to poll
  private volatile boolean shuttingDown;
  private volatile long pendingBytes;
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong micros = new AtomicLong();
  private final AtomicLong runningInputEntries = new AtomicLong();
  private final AtomicLong runningEntriesDone = new AtomicLong();

  public CompactionScheduler(
      Host host,
      CompactionStrategy strategy,
      String strategyName,
      ExecutorService executor,
      int maxJobs,
      long manualTargetFileBytes) {
    this.host = host;
    this.strategy = strategy;
    this.strategyName = strategyName;
    this.executor = executor;
    this.maxJobs = maxJobs;
    this.manualTargetFileBytes = manualTargetFileBytes;
  }

  /** Starts every job the strategy wants, as long as there are free slots. */
  public void maybeSchedule() {
    synchronized (lock) {
      while (!shuttingDown
          && manualWaiters == 0
          && running.size() < maxJobs
          && host.mayStartWork()) {
        Version version = host.acquireVersion();
        try {
          TreeShape shape = version.shape(compacting, running);
          pendingBytes = strategy.pendingCompactionBytes(shape);
          Optional<CompactionJob> picked = strategy.pickJob(shape);
          if (picked.isEmpty()) {
            return;
          }
          CompactionJob job = picked.get();
          List<String> problems = JobRules.violations(shape, job);
          if (!problems.isEmpty()) {
            LOG.error(
                "compaction strategy '{}' picked an invalid job {}: {}; not running it",
                strategyName,
                job,
                problems);
            return;
          }
          if (job.isDrop() && !snapshotsAllowDrop(version, job)) {
            // Snapshot promises to keep what it can see; the strategy is asked again after the
            // next flush or job.
            LOG.debug("drop job {} waits for older snapshots to close", job);
            return;
          }
          RunningJob slot = reserve(shape, job);
          version.ref();
          executor.execute(() -> runInBackground(job, version, slot));
        } finally {
          version.unref();
        }
      }
    }
  }

  /**
   * Merges every file overlapping {@code [from, to]} (null = open) into the last level and waits
   * for it, after letting running jobs finish.
   */
  public void compactRange(byte @Nullable [] from, byte @Nullable [] to) throws IOException {
    synchronized (lock) {
      manualWaiters++;
      manualPending = true;
      try {
        while (!running.isEmpty() && !shuttingDown) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        manualWaiters--;
        manualPending = manualWaiters > 0;
        lock.notifyAll();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for running compactions", e);
      }
    }
    try {
      if (shuttingDown) {
        return;
      }
      Version version = host.acquireVersion();
      try {
        TreeShape shape = version.shape(Set.of(), List.of());
        Optional<CompactionJob> job = manualJob(version, from, to, manualTargetFileBytes);
        if (job.isEmpty()) {
          return;
        }
        List<String> problems = JobRules.violations(shape, job.get());
        if (!problems.isEmpty()) {
          throw new IllegalStateException("manual compaction job is invalid: " + problems);
        }
        RunningJob slot;
        synchronized (lock) {
          slot = reserve(shape, job.get());
        }
        try {
          execute(job.get(), version, () -> shuttingDown, false);
        } catch (CancellationException e) {
          throw e;
        } catch (IOException | RuntimeException | Error e) {
          // As for a background job: a failed rewrite (e.g. a full disk) turns the Db read-only,
          // as the Db contract promises after a StorageIOException.
          host.onBackgroundError("manual compaction", e);
          throw e;
        } finally {
          release(job.get(), slot);
        }
      } finally {
        version.unref();
      }
    } finally {
      synchronized (lock) {
        manualWaiters--;
        manualPending = manualWaiters > 0;
        lock.notifyAll();
      }
      maybeSchedule();
    }
  }

  /** Stops picking jobs and waits for running ones, which stop early. */
  public void shutdown() {
    synchronized (lock) {
      shuttingDown = true;
      while (!running.isEmpty()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Waits until no job runs and the strategy wants none (tests, benchmarks). */
  public void awaitQuiet() throws InterruptedException {
    while (true) {
      maybeSchedule();
      synchronized (lock) {
        if (running.isEmpty() && !shuttingDown && !host.mayStartWork()) {
          return; // stopped by a background error: nothing will run until it is recovered from
        }
        if (running.isEmpty() && !shuttingDown) {
          Version version = host.acquireVersion();
          try {
            Optional<CompactionJob> next = strategy.pickJob(version.shape(compacting, running));
            if (next.isEmpty()
                || (next.get().isDrop() && !snapshotsAllowDrop(version, next.get()))) {
              return;
            }
          } finally {
            version.unref();
          }
        } else if (shuttingDown) {
          return;
        } else {
          lock.wait(100);
        }
      }
    }
  }

  public String strategyName() {
    return strategyName;
  }

  public CompactionStrategy strategy() {
    return strategy;
  }

  public long pendingBytes() {
    return pendingBytes;
  }

  /** Recomputes the pending estimate for the current tree. */
  public void refreshPendingBytes() {
    Version version = host.acquireVersion();
    try {
      synchronized (lock) {
        pendingBytes = strategy.pendingCompactionBytes(version.shape(compacting, running));
      }
    } finally {
      version.unref();
    }
  }

  public long completed() {
    return completed.get();
  }

  public int running() {
    synchronized (lock) {
      return running.size();
    }
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  public long bytesWritten() {
    return bytesWritten.get();
  }

  public long micros() {
    return micros.get();
  }

  public long runningInputEntries() {
    return runningInputEntries.get();
  }

  public long runningEntriesDone() {
    return runningEntriesDone.get();
  }

  /**
   * Whether no open snapshot may see data in the files {@code job} drops: each snapshot is older
   * than every dropped file's smallest sequence.
   */
  private boolean snapshotsAllowDrop(Version version, CompactionJob job) {
    long[] snapshots = host.liveSnapshots();
    if (snapshots.length == 0) {
      return true;
    }
    long newest = snapshots[snapshots.length - 1];
    Set<Long> dropped = new HashSet<>(job.inputFileIds());
    for (FileMeta f : version.allFiles()) {
      if (dropped.contains(f.fileId()) && f.smallestSequence() <= newest) {
        return false;
      }
    }
    return true;
  }

  private RunningJob reserve(TreeShape shape, CompactionJob job) {
    byte[][] range = keyRange(shape, job);
    RunningJob slot = new RunningJob(job.outputLevel(), range[0], range[1]);
    compacting.addAll(job.inputFileIds());
    running.add(slot);
    return slot;
  }

  private void release(CompactionJob job, RunningJob slot) {
    synchronized (lock) {
      job.inputFileIds().forEach(compacting::remove);
      running.remove(slot);
      lock.notifyAll();
    }
  }

  private void runInBackground(CompactionJob job, Version version, RunningJob slot) {
    try {
      execute(job, version, () -> shuttingDown || manualPending, true);
    } catch (CancellationException e) {
      LOG.info(
          "compaction {} stopped: {}",
          job.reason(),
          shuttingDown ? "the Db is closing" : "a manual compaction takes over its files");
    } catch (Throwable e) {
      host.onBackgroundError("compaction (" + job.reason() + ")", e);
    } finally {
      version.unref();
      release(job, slot);
    }
    maybeSchedule();
  }

  /**
   * Runs {@code job} on {@code version}.
   *
   * @param cancelled polled while entries are copied; stops the job when true
   * @param mayMove whether a job of one file into another level may move it instead of rewriting it
   *     (a manual compaction must rewrite, to drop what nothing can see any more)
   */
  private void execute(
      CompactionJob job, Version version, BooleanSupplier cancelled, boolean mayMove)
      throws IOException {
    long start = System.nanoTime();
    Map<Long, FileMeta> byId = new HashMap<>();
    for (FileMeta f : version.allFiles()) {
      byId.put(f.fileId(), f);
    }
    VersionEdit edit = new VersionEdit();
    long inputBytes = 0;
    long inputEntries = 0;
    List<FileMeta> single = new ArrayList<>();
    for (CompactionJob.LevelInputs level : job.inputs()) {
      for (long id : level.fileIds()) {
        FileMeta f = byId.get(id);
        if (f == null) {
          throw new IllegalStateException("compaction input " + id + " is not in the version");
        }
        edit.deleteFile(level.level(), id);
        inputBytes += f.sizeBytes();
        inputEntries += f.entryCount();
        single.add(f);
      }
    }
    List<Long> inputIds = single.stream().map(FileMeta::fileId).toList();
    if (job.isDrop()) {
      host.install(edit); // open iterators keep the files they read until they close
      completed.incrementAndGet();
      LOG.info("dropped {} files ({} B): {}", single.size(), inputBytes, job.reason());
      host.compacted(
          new CompactionEvent(
              CompactionEvent.Kind.DROP,
              strategyName,
              job.outputLevel(),
              inputIds,
              List.of(),
              inputBytes,
              0,
              System.nanoTime() - start,
              job.reason()));
      return;
    }
    if (mayMove && single.size() == 1 && job.inputs().get(0).level() != job.outputLevel()) {
      edit.addFile(job.outputLevel(), single.get(0));
      host.install(edit);
      LOG.debug("moved {} to level {} ({})", single.get(0), job.outputLevel(), job.reason());
      completed.incrementAndGet();
      host.compacted(
          new CompactionEvent(
              CompactionEvent.Kind.MOVE,
              strategyName,
              job.outputLevel(),
              inputIds,
              inputIds,
              inputBytes,
              0,
              System.nanoTime() - start,
              job.reason()));
      return;
    }
    runningInputEntries.addAndGet(inputEntries);
    long[] done = {0};
    // Every level-0 file is a sorted run of its own, so a level-0 output is never split.
    TableSink sink = host.newSink(job.outputLevel() == 0 ? Long.MAX_VALUE : job.targetFileBytes());
    List<FileMeta> outputs;
    try (MergingIterator merged = new MergingIterator(inputIterators(job, byId))) {
      VersionCollapser collapser =
          new VersionCollapser(host.liveSnapshots(), new OlderFilesBelow(version, job));
      TableRewrite.copy(
          merged,
          collapser,
          sink,
          n -> {
            done[0] += n;
            runningEntriesDone.addAndGet(n);
          },
          cancelled);
      outputs = sink.finish();
    } catch (IOException | RuntimeException | Error e) {
      sink.abandon();
      throw e;
    } finally {
      runningInputEntries.addAndGet(-inputEntries);
      runningEntriesDone.addAndGet(-done[0]);
    }
    for (FileMeta out : outputs) {
      edit.addFile(job.outputLevel(), out);
    }
    host.install(edit);
    long elapsedMicros = (System.nanoTime() - start) / 1000;
    completed.incrementAndGet();
    bytesRead.addAndGet(inputBytes);
    bytesWritten.addAndGet(sink.bytesWritten());
    micros.addAndGet(elapsedMicros);
    host.compacted(
        new CompactionEvent(
            CompactionEvent.Kind.MERGE,
            strategyName,
            job.outputLevel(),
            inputIds,
            outputs.stream().map(FileMeta::fileId).toList(),
            inputBytes,
            sink.bytesWritten(),
            System.nanoTime() - start,
            job.reason()));
    LOG.info(
        "compacted {} files ({} B) into {} files ({} B) at level {} in {} ms: {}",
        single.size(),
        inputBytes,
        outputs.size(),
        sink.bytesWritten(),
        job.outputLevel(),
        elapsedMicros / 1000,
        job.reason());
  }

  private List<InternalIterator> inputIterators(CompactionJob job, Map<Long, FileMeta> byId) {
    List<InternalIterator> children = new ArrayList<>();
    try {
      for (CompactionJob.LevelInputs level : job.inputs()) {
        List<FileMeta> files = new ArrayList<>();
        for (long id : level.fileIds()) {
          files.add(byId.get(id));
        }
        if (level.level() == 0) {
          for (FileMeta f : files) {
            children.add(host.tables().reader(f.fileId()).iterator(false));
          }
        } else {
          files.sort(Version.BY_SMALLEST_KEY);
          children.add(new LevelIterator(files, host.tables(), false));
        }
      }
      return children;
    } catch (RuntimeException e) {
      children.forEach(InternalIterator::close);
      throw e;
    }
  }

  /**
   * Every file overlapping the range, grown until no level adds more, into the last level, split at
   * the target file size as a background job's outputs are.
   */
  private static Optional<CompactionJob> manualJob(
      Version version, byte @Nullable [] from, byte @Nullable [] to, long targetFileBytes) {
    byte[] lo = from;
    byte[] hi = to;
    List<List<FileMeta>> chosen;
    while (true) {
      chosen = new ArrayList<>();
      byte[] newLo = lo;
      byte[] newHi = hi;
      for (int l = 0; l < version.numLevels(); l++) {
        List<FileMeta> files = version.overlapping(l, lo, hi);
        chosen.add(files);
        for (FileMeta f : files) {
          if (newLo != null && KeyOrder.compareKeys(f.smallestKey(), newLo) < 0) {
            newLo = f.smallestKey();
          }
          if (newHi != null && KeyOrder.compareKeys(f.largestKey(), newHi) > 0) {
            newHi = f.largestKey();
          }
        }
      }
      if (newLo == lo && newHi == hi) {
        break;
      }
      lo = newLo;
      hi = newHi;
    }
    List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
    for (int l = 0; l < chosen.size(); l++) {
      if (!chosen.get(l).isEmpty()) {
        inputs.add(
            new CompactionJob.LevelInputs(
                l, chosen.get(l).stream().map(FileMeta::fileId).toList()));
      }
    }
    if (inputs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new CompactionJob(inputs, version.numLevels() - 1, targetFileBytes, "manual compaction"));
  }

  private static byte[][] keyRange(TreeShape shape, CompactionJob job) {
    Set<Long> ids = new HashSet<>(job.inputFileIds());
    byte[] lo = null;
    byte[] hi = null;
    for (var level : shape.levels()) {
      for (var f : level.files()) {
        if (ids.contains(f.fileId())) {
          if (lo == null || KeyOrder.compareKeys(f.smallestKey(), lo) < 0) {
            lo = f.smallestKey();
          }
          if (hi == null || KeyOrder.compareKeys(f.largestKey(), hi) > 0) {
            hi = f.largestKey();
          }
        }
      }
    }
    if (lo == null || hi == null) {
      throw new IllegalStateException("job inputs are not in the tree: " + job);
    }
    return new byte[][] {lo, hi};
  }
}
