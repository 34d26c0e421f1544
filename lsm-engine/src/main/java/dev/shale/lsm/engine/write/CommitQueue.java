package dev.shale.lsm.engine.write;

import dev.shale.lsm.api.ShaleException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit: writers queue up, one of them becomes the leader, takes every queued batch (up to a
 * byte budget) as one group and commits it with one WAL write and at most one fsync, while the
 * others park. Control actions run alone between groups. Order of completion is queue order.
 *
 * <p>Leadership is a flag, not a lock: a writer that queued and finds a leader active parks; the
 * leader, done, wakes the head of the queue, which then leads. A writer either sees the flag clear
 * or is seen in the queue by the leader that clears it, so nobody is left parked.
 */
public final class CommitQueue {
  private final ConcurrentLinkedQueue<PendingWrite> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leaderActive = new AtomicBoolean();
  private final GroupCommitter committer;
  private final long maxGroupBytes;

  /**
   * @param maxGroupBytes the encoded bytes at which a group stops taking more batches (a single
   *     larger batch still forms a group of its own)
   */
  public CommitQueue(GroupCommitter committer, long maxGroupBytes) {
    this.committer = committer;
    this.maxGroupBytes = maxGroupBytes;
  }

  /**
   * Queues {@code write} and returns once it is complete.
   *
   * @throws RuntimeException the failure the leader reported for it (unchecked as thrown, checked
   *     wrapped in {@link ShaleException})
   */
  public void submit(PendingWrite write) {
    queue.add(write);
    boolean interrupted = false;
    while (!write.isDone()) {
      if (leaderActive.compareAndSet(false, true)) {
        try {
          lead(write);
        } finally {
          leaderActive.set(false);
        }
        PendingWrite head = queue.peek();
        if (head != null) {
          LockSupport.unpark(head.thread);
        }
      } else {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          interrupted = true; // finish the commit; a half-done write cannot be abandoned
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable failure = write.failure();
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw new ShaleException(
          failure.getMessage() == null ? failure.toString() : failure.getMessage(), failure);
    }
  }

  /**
   * Runs groups until the leader's own write is done (then hands over, so that under constant load
   * no single caller works for everyone forever) or the queue is empty.
   */
  private void lead(PendingWrite self) {
    while (!self.isDone()) {
      PendingWrite head = queue.poll();
      if (head == null) {
        return;
      }
      if (head.isControl()) {
        runControl(head);
        continue;
      }
      List<PendingWrite> group = new ArrayList<>();
      group.add(head);
      long bytes = head.batch().encodedLength();
      while (bytes < maxGroupBytes) {
        PendingWrite next = queue.peek();
        if (next == null || next.isControl()) {
          break;
        }
        queue.poll();
        group.add(next);
        bytes += next.batch().encodedLength();
      }
      try {
        committer.commit(group);
      } catch (RuntimeException | Error e) {
        for (PendingWrite w : group) {
          if (!w.isDone()) {
            w.complete(e);
          }
        }
      }
      for (PendingWrite w : group) {
        if (!w.isDone()) {
          w.complete(new IllegalStateException("commit group ended without completing a write"));
        }
        if (w.thread != Thread.currentThread()) {
          LockSupport.unpark(w.thread);
        }
      }
    }
  }

  private void runControl(PendingWrite control) {
    Throwable failure = null;
    try {
      control.controlAction().run();
    } catch (Exception | Error e) {
      failure = e;
    }
    control.complete(failure);
    if (control.thread != Thread.currentThread()) {
      LockSupport.unpark(control.thread);
    }
  }
}
