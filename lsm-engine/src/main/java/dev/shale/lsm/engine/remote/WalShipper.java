package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships committed batches to the object store as numbered WAL objects (docs/formats.md section 5).
 * The commit leader {@link #append}s; a cutter thread closes an object when it holds {@code
 * walObjectBytes}, when its oldest record is {@code walIntervalMillis} old, or at once when a
 * REMOTE writer waits; up to {@code maxInFlightUploads} objects upload in parallel, each
 * put-if-absent in its own slot, but a sequence counts as durable only once every object up to it
 * is in the bucket. A slot found taken by someone else means a newer primary fenced this one.
 * Thread-safe.
 */
public final class WalShipper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalShipper.class);

  /** A WAL object in the bucket, with the sequences it holds. */
  public record Shipped(long id, long firstSequence, long lastSequence) {}

  private static final class Upload {
    final long id;
    final long firstSequence;
    final long lastSequence;
    final long firstAppendNanos;
    final int bytes;
    boolean done;

    Upload(long id, long firstSequence, long lastSequence, long firstAppendNanos, int bytes) {
      this.id = id;
      this.firstSequence = firstSequence;
      this.lastSequence = lastSequence;
      this.firstAppendNanos = firstAppendNanos;
      this.bytes = bytes;
    }
  }

  private final ObjectStore store;
  private final StoreRetries retries;
  private final long epoch;
  private final String writerId;
  private final long objectBytes;
  private final long intervalNanos;
  private final int maxInFlight;
  private final long maxPendingBytes;
  private final PausePoints points;
  private final Consumer<RuntimeException> beforeFailing;
  private final Consumer<RuntimeException> onFailure;
  private final ExecutorService uploads;
  private final Thread cutter;

  private final Object lock = new Object();
  private final WalObject.Builder buffer = new WalObject.Builder();
  private long bufferFirstAppendNanos;
  private long nextId;
  private final ArrayDeque<Upload> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Shipped> durable = new ArrayDeque<>();
  private long pendingBytes;
  private long appendedSequence;
  private long durableSequence;
  private int urgentWaiters;
  private boolean failing;
  private boolean closed;
  private boolean terminated;
  private @Nullable RuntimeException failure;
  private long objectsShipped;
  private long bytesShipped;

  /**
   * Starts shipping into slots after {@code afterId}.
   *
   * @param lastSequence every sequence up to it is already covered (by tables or older objects)
   * @param beforeFailing called once, on the failing thread, when shipping stops for good, before
   *     any writer can see the failure (the engine records that it was fenced there)
   * @param onFailure told once, on another thread, after shipping stopped for good (fenced, or the
   *     store kept failing)
   */
  public WalShipper(
      ObjectStore store,
      StoreRetries retries,
      long epoch,
      String writerId,
      long afterId,
      long lastSequence,
      long objectBytes,
      long intervalMillis,
      int maxInFlight,
      PausePoints points,
      Consumer<RuntimeException> beforeFailing,
      Consumer<RuntimeException> onFailure) {
    this.store = store;
    this.retries = retries;
    this.epoch = epoch;
    this.writerId = writerId;
    this.nextId = afterId + 1;
    this.appendedSequence = lastSequence;
    this.durableSequence = lastSequence;
    this.objectBytes = objectBytes;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.maxInFlight = maxInFlight;
    this.maxPendingBytes = Math.max(64L << 20, objectBytes * maxInFlight * 4);
    this.points = points;
    this.beforeFailing = beforeFailing;
    this.onFailure = onFailure;
    AtomicInteger n = new AtomicInteger();
    this.uploads =
        Executors.newFixedThreadPool(
            maxInFlight,
            r -> {
              Thread t = new Thread(r, "shale-wal-upload-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.cutter = new Thread(this::cutLoop, "shale-wal-ship");
    cutter.setDaemon(true);
    cutter.start();
  }

  /**
   * Queues one committed batch. Blocks while too much is waiting for upload (back-pressure on the
   * commit path). Called by one thread at a time, in sequence order.
   *
   * @throws FencedException when a newer primary has fenced this one
   * @throws StorageIOException when shipping has failed for good
   */
  public void append(long firstSequence, WriteBatch batch) {
    synchronized (lock) {
      while (failure == null && !closed && pendingBytes >= maxPendingBytes) {
        urgentWaiters++;
        lock.notifyAll();
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ShaleException("interrupted while the WAL shipper is behind", e);
        } finally {
          urgentWaiters--;
        }
      }
      throwIfFailed();
      if (closed) {
        throw new IllegalStateException("the WAL shipper is closed");
      }
      if (buffer.isEmpty()) {
        bufferFirstAppendNanos = System.nanoTime();
      }
      int before = buffer.sizeBytes();
      buffer.add(firstSequence, batch);
      pendingBytes += buffer.sizeBytes() - before;
      appendedSequence = firstSequence + batch.count() - 1;
      if (buffer.sizeBytes() >= objectBytes) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Waits until every sequence up to {@code sequence} is in the bucket.
   *
   * @throws FencedException when this primary was fenced before that
   * @throws StorageIOException when shipping failed for good, or the Db closed first
   */
  public void awaitDurable(long sequence) {
    synchronized (lock) {
      urgentWaiters++;
      lock.notifyAll();
      try {
        while (durableSequence < sequence && failure == null && !terminated) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ShaleException("interrupted while waiting for the WAL to reach the bucket", e);
      } finally {
        urgentWaiters--;
      }
      if (durableSequence >= sequence) {
        return;
      }
      throwIfFailed();
      throw new StorageIOException(
          "the Db closed before sequence " + sequence + " reached the bucket",
          new IOException("closed"));
    }
  }

  private void throwIfFailed() {
    RuntimeException f = failure;
    if (f instanceof FencedException fe) {
      throw new FencedException(String.valueOf(fe.getMessage()), fe.ownEpoch(), fe.newerEpoch());
    }
    if (f != null) {
      throw new StorageIOException("shipping the WAL to the bucket failed: " + f.getMessage(), f);
    }
  }

  /**
   * The newest shipped object holding only sequences up to {@code flushedSequence}, with every
   * earlier object shipped too: a manifest whose tables hold {@code flushedSequence} may say that
   * replay starts after it. Forgets the objects it covers.
   */
  public long replayAfterFor(long flushedSequence, long current) {
    synchronized (lock) {
      long after = current;
      while (!durable.isEmpty() && durable.peekFirst().lastSequence() <= flushedSequence) {
        after = durable.removeFirst().id();
      }
      return after;
    }
  }

  /** The shipper's progress. */
  public record Progress(
      long appendedSequence, long durableSequence, long lagMillis, long objects, long bytes) {}

  public Progress progress() {
    synchronized (lock) {
      long oldest = -1;
      if (!inFlight.isEmpty()) {
        oldest = inFlight.peekFirst().firstAppendNanos;
      } else if (!buffer.isEmpty()) {
        oldest = bufferFirstAppendNanos;
      }
      long lag = oldest < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest);
      return new Progress(appendedSequence, durableSequence, lag, objectsShipped, bytesShipped);
    }
  }

  private void cutLoop() {
    synchronized (lock) {
      while (!closed || !buffer.isEmpty()) {
        if (failing) {
          return;
        }
        long now = System.nanoTime();
        boolean due =
            !buffer.isEmpty()
                && (closed
                    || urgentWaiters > 0
                    || buffer.sizeBytes() >= objectBytes
                    || now - bufferFirstAppendNanos >= intervalNanos);
        if (due && inFlight.size() < maxInFlight) {
          cut();
          continue;
        }
        long waitNanos =
            buffer.isEmpty() || inFlight.size() >= maxInFlight
                ? intervalNanos
                : Math.max(1, intervalNanos - (now - bufferFirstAppendNanos));
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, waitNanos);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Closes the buffered object and starts its upload. Holds the lock. */
  private void cut() {
    long id = nextId++;
    Upload upload =
        new Upload(
            id,
            buffer.firstSequence(),
            buffer.lastSequence(),
            bufferFirstAppendNanos,
            buffer.sizeBytes());
    byte[] data = buffer.build(epoch, id); // empties the builder for the next object
    inFlight.addLast(upload);
    uploads.execute(() -> upload(upload, data));
  }

  private void upload(Upload upload, byte[] data) {
    String key = RemoteKeys.wal(upload.id);
    RuntimeException failed = null;
    try {
      points.hit("ship.before-put");
      boolean ours = retries.putIfAbsent(store, key, data, writerId + "/wal/" + upload.id);
      points.hit("ship.after-put");
      if (!ours) {
        failed =
            new FencedException(
                "WAL object "
                    + key
                    + " was written by another primary: this one (epoch "
                    + epoch
                    + ") is fenced",
                epoch,
                epoch + 1);
      }
    } catch (IOException | RuntimeException e) {
      failed =
          e instanceof RuntimeException re
              ? re
              : new StorageIOException(String.valueOf(e.getMessage()), e);
    }
    if (failed != null) {
      fail(failed);
      return;
    }
    synchronized (lock) {
      upload.done = true;
      while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
        Upload u = inFlight.removeFirst();
        durableSequence = u.lastSequence;
        durable.addLast(new Shipped(u.id, u.firstSequence, u.lastSequence));
        pendingBytes -= u.bytes;
        objectsShipped++;
        bytesShipped += u.bytes;
      }
      lock.notifyAll();
    }
  }

  /**
   * Stops shipping for good: no more objects are cut, then {@code beforeFailing} runs, and only
   * then do waiting and later writers see the failure. Called without the lock.
   */
  private void fail(RuntimeException e) {
    synchronized (lock) {
      if (failing) {
        return;
      }
      failing = true;
      lock.notifyAll();
    }
    if (e instanceof FencedException) {
      LOG.error("fenced: {}", e.getMessage());
    } else {
      LOG.error("shipping the WAL failed; the Db turns read-only", e);
    }
    try {
      beforeFailing.accept(e);
    } catch (RuntimeException hookFailure) {
      e.addSuppressed(hookFailure);
    }
    synchronized (lock) {
      failure = e;
      lock.notifyAll();
    }
    Thread.ofVirtual().start(() -> onFailure.accept(e));
  }

  /**
   * Ships what is buffered and waits up to {@code timeoutMillis} for every upload; what does not
   * make it stays in the local log only.
   */
  @Override
  public void close() {
    close(60_000);
  }

  public void close(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
      while (failure == null && (!buffer.isEmpty() || !inFlight.isEmpty())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn(
              "closing with WAL data up to sequence {} not yet in the bucket (shipped up to {})",
              appendedSequence,
              durableSequence);
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      terminated = true;
      lock.notifyAll();
    }
    cutter.interrupt();
    uploads.shutdownNow();
    try {
      // An upload thread may be recording a fence; the Db directory must be done with after close.
      if (!uploads.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("WAL upload threads did not stop within 30 s of closing");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
