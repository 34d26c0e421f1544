package dev.shale.lsm.engine;

import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Snapshot;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The open snapshots of a Db, oldest first. Compaction asks for their sequences so it keeps every
 * version one of them can see. Thread-safe.
 */
final class SnapshotRegistry {
  private final LinkedHashSet<OpenSnapshot> open = new LinkedHashSet<>();
  private final Object owner;

  SnapshotRegistry(Object owner) {
    this.owner = owner;
  }

  /** Registers a snapshot at {@code sequence} (sequences only grow, so insertion order is age). */
  synchronized Snapshot take(long sequence) {
    OpenSnapshot s = new OpenSnapshot(sequence);
    open.add(s);
    return s;
  }

  /** The sequences of open snapshots, ascending (duplicates removed). */
  synchronized long[] sequences() {
    return open.stream().mapToLong(OpenSnapshot::sequence).distinct().sorted().toArray();
  }

  /** Whether {@code snapshot} was taken here and is still open. */
  synchronized boolean isOpen(Snapshot snapshot) {
    return snapshot instanceof OpenSnapshot s && s.owner() == owner && open.contains(s);
  }

  synchronized DbStats.Snapshots stats() {
    Iterator<OpenSnapshot> it = open.iterator();
    if (!it.hasNext()) {
      return new DbStats.Snapshots(0, -1, 0);
    }
    OpenSnapshot oldest = it.next();
    return new DbStats.Snapshots(
        open.size(), oldest.sequence(), (System.nanoTime() - oldest.createdNanos) / 1_000_000);
  }

  private synchronized void release(OpenSnapshot s) {
    open.remove(s);
  }

  private final class OpenSnapshot implements Snapshot {
    private final long sequence;
    private final long createdNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();

    OpenSnapshot(long sequence) {
      this.sequence = sequence;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    Object owner() {
      return owner;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(this);
      }
    }

    @Override
    public String toString() {
      return "Snapshot@" + sequence;
    }
  }
}
