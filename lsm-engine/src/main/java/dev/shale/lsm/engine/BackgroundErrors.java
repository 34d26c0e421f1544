package dev.shale.lsm.engine;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Db's background error state, and its automatic recovery from errors a transient condition
 * caused, as RocksDB's automatic recovery from background errors does.
 *
 * <p>The first background error turns the Db read-only (writes fail, reads go on). When it is
 * retryable, a retry runs after 1 s, then after twice as long each time up to 30 s, until one
 * succeeds or the Db closes; a retry runs the engine's {@link Recovery} (roll the log and flush
 * every memtable, so nothing depends on a log segment a failed write may have torn), and when it
 * succeeds the Db accepts writes again. Retryable: an {@link IOException} or {@link
 * OutOfMemoryError} (a full disk freed later, a transient shortage of heap) in work that can be
 * redone from the state in memory: flush, compaction, a log write or roll, mirroring the tree to
 * the object store. Never retried: a fenced primary (it must stay read-only), corruption, a failed
 * memtable insert (part of a batch may be in the memtable), a stopped log shipper, and anything
 * else (a bug). The state shows in {@link DbStats#backgroundErrors()} and in the log.
 *
 * <p>Thread-safe.
 */
final class BackgroundErrors {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundErrors.class);
  private static final long FIRST_RETRY_MILLIS = 1_000;
  private static final long MAX_RETRY_MILLIS = 30_000;

  /** What a retry runs: brings the Db back to a state where writes are safe, or throws. */
  @FunctionalInterface
  interface Recovery {
    void recover() throws Exception;
  }

  private final Path directory;
  private final Recovery recovery;
  private final Runnable onChange;
  private final Object lock = new Object();
  private @Nullable Throwable error;
  private @Nullable String reason;
  private boolean permanent;
  private boolean recovering;
  private boolean closed;
  private long retryMillis = FIRST_RETRY_MILLIS;
  private long attempts;
  private long recoveries;
  private String lastError = "";
  private @Nullable ScheduledExecutorService retrier;

  /**
   * @param recovery what a retry runs
   * @param onChange called (without the lock) after the state changed: wakes stalled writers, and
   *     after a recovery restarts background work
   */
  BackgroundErrors(Path directory, Recovery recovery, Runnable onChange) {
    this.directory = directory;
    this.recovery = recovery;
    this.onChange = onChange;
  }

  /** Whether writes are refused (an error is recorded, retried or not). */
  boolean writesRefused() {
    synchronized (lock) {
      return error != null;
    }
  }

  /** Whether flushes, compactions and syncs must not start: an error and no retry running. */
  boolean stopsBackgroundWork() {
    synchronized (lock) {
      return error != null && !recovering;
    }
  }

  /** Why writes are refused, or null. */
  @Nullable String reason() {
    synchronized (lock) {
      return reason;
    }
  }

  /** The error that made the Db read-only, or null. */
  @Nullable Throwable error() {
    synchronized (lock) {
      return error;
    }
  }

  DbStats.BackgroundErrors stats() {
    synchronized (lock) {
      DbStats.BackgroundErrors.State state =
          error == null
              ? DbStats.BackgroundErrors.State.HEALTHY
              : permanent
                  ? DbStats.BackgroundErrors.State.FAILED
                  : DbStats.BackgroundErrors.State.RETRYING;
      return new DbStats.BackgroundErrors(state, attempts, recoveries, lastError);
    }
  }

  /**
   * Records that {@code what} failed with {@code failure}: the Db turns read-only (the first error
   * wins; a failure during a retry ends that retry and schedules the next), and returns what to
   * throw to a caller waiting on that work.
   */
  RuntimeException record(String what, Throwable failure) {
    boolean retryable = isRetryable(what, failure);
    boolean changed = false;
    synchronized (lock) {
      lastError = what + " failed: " + failure;
      if (error == null || recovering || (!retryable && !permanent)) {
        boolean first = error == null;
        boolean duringRetry = recovering;
        error = failure;
        recovering = false;
        permanent = !retryable;
        reason = what + " failed: " + failure + (retryable ? "; retrying automatically" : "");
        changed = true;
        if (failure instanceof FencedException) {
          LOG.error("{}: {}; the Db is now read-only", directory, failure.getMessage());
        } else if (!retryable) {
          LOG.error(
              "{}: {} failed; the Db is now read-only until reopened", directory, what, failure);
        } else if (first) {
          LOG.error(
              "{}: {} failed; the Db is read-only and retries in {} ms",
              directory,
              what,
              retryMillis,
              failure);
        } else {
          LOG.warn(
              "{}: {}{} failed: {}; next retry in {} ms",
              directory,
              duringRetry ? "retry: " : "",
              what,
              failure.toString(),
              retryMillis);
        }
        if (retryable) {
          scheduleRetry();
        }
      }
    }
    if (changed) {
      onChange.run();
    }
    if (failure instanceof ShaleException se) {
      return se;
    }
    if (failure instanceof IOException io) {
      return new StorageIOException(what + " failed", io);
    }
    return new StorageIOException(what + " failed: " + failure, failure);
  }

  /** Stops retrying (at close). */
  void close() {
    ScheduledExecutorService executor;
    synchronized (lock) {
      closed = true;
      executor = retrier;
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private void scheduleRetry() {
    if (closed) {
      return;
    }
    if (retrier == null) {
      retrier =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "shale-recovery");
                t.setDaemon(true);
                return t;
              });
    }
    long delay = retryMillis;
    retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
    try {
      retrier.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void retry() {
    Throwable failed;
    synchronized (lock) {
      if (closed || error == null || permanent) {
        return;
      }
      failed = error;
      recovering = true;
      attempts++;
    }
    LOG.info("{}: retrying after '{}' (attempt {})", directory, reason(), attempts);
    try {
      recovery.recover();
    } catch (Exception | Error e) {
      synchronized (lock) {
        if (!recovering || error != failed) {
          return; // the failing work recorded its own error, which scheduled the next retry
        }
      }
      record("recovery", e);
      return;
    }
    synchronized (lock) {
      if (!recovering || error != failed) {
        return;
      }
      error = null;
      reason = null;
      recovering = false;
      recoveries++;
      retryMillis = FIRST_RETRY_MILLIS;
    }
    LOG.warn("{}: recovered from '{}'; the Db accepts writes again", directory, lastError);
    onChange.run();
  }

  /** Whether a retry can be expected to succeed once the condition passes, and is safe. */
  static boolean isRetryable(String what, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FencedException || t instanceof CorruptionException) {
        return false;
      }
    }
    if (what.startsWith("memtable insert") || what.startsWith("shipping")) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }
}
