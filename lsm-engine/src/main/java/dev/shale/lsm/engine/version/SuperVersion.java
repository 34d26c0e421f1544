package dev.shale.lsm.engine.version;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything a read needs, pinned together: the active memtable, the immutable ones (newest first)
 * and the current {@link Version}. Readers pin one with {@link #tryRef()} and take no lock; a flush
 * or compaction installs a new one and releases the old.
 */
public final class SuperVersion {
  private final MemtableHandle active;
  private final List<MemtableHandle> immutables;
  private final Version version;
  private final AtomicInteger refs = new AtomicInteger(1);

  /**
   * Takes ownership of one reference on {@code version} (released with the last reference on this
   * super version); the creator holds the first reference on this.
   */
  public SuperVersion(MemtableHandle active, List<MemtableHandle> immutables, Version version) {
    this.active = active;
    this.immutables = List.copyOf(immutables);
    this.version = version;
  }

  public MemtableHandle active() {
    return active;
  }

  /** Frozen memtables waiting for flush, newest first. */
  public List<MemtableHandle> immutables() {
    return immutables;
  }

  public Version version() {
    return version;
  }

  /** Adds a reference unless the last one is already gone; returns whether it did. */
  public boolean tryRef() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one releases the version. */
  public void unref() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      version.unref();
    } else if (left < 0) {
      throw new IllegalStateException("super version released more often than referenced");
    }
  }
}
