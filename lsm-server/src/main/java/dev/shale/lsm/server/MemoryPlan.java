package dev.shale.lsm.server;

import dev.shale.lsm.api.DbOptions;

/**
 * How a server divides its heap: a quarter for requests in flight (the {@link
 * ShaleServer.Builder#memoryBudget memory budget}), a quarter for memtables (the active one and
 * those waiting for flush, so the engine stalls writers before memtables outgrow their share), a
 * sixteenth at most for the block cache, and the rest for everything else (connections, scans'
 * iterators, flush and compaction buffers, and the headroom a garbage collector needs). With
 * RocksDB's 64 MiB memtables and four of them waiting for flush, a 256 MiB heap runs out of memory
 * in a flush under a flood of large values; this plan keeps the same heap within bounds.
 *
 * @param heapBytes the heap the plan divides ({@link Runtime#maxMemory()} by default)
 * @param requestBytes the memory budget for requests in flight
 * @param memtableBytes the size of one memtable
 * @param maxImmutableMemtables memtables waiting for flush at which writers stop
 * @param blockCacheBytes the most the block cache may hold
 */
public record MemoryPlan(
    long heapBytes,
    long requestBytes,
    long memtableBytes,
    int maxImmutableMemtables,
    long blockCacheBytes) {

  private static final long MIB = 1 << 20;

  /** The plan for a heap of {@code heapBytes}. */
  public static MemoryPlan forHeap(long heapBytes) {
    if (heapBytes < 64 * MIB) {
      throw new IllegalArgumentException(
          "a Shale server needs a heap of at least 64 MiB (-Xmx64m), has " + (heapBytes / MIB));
    }
    long quarter = heapBytes / 4;
    int immutables = 3;
    long memtable = Math.min(64 * MIB, quarter / (immutables + 1));
    long cache = Math.min(DbOptions.defaults().blockCacheBytes(), heapBytes / 16);
    return new MemoryPlan(heapBytes, quarter, memtable, immutables, cache);
  }

  /** The plan for this JVM's maximum heap. */
  public static MemoryPlan forThisJvm() {
    return forHeap(Runtime.getRuntime().maxMemory());
  }

  /**
   * {@code options} with memtables and block cache no larger than this plan allows (smaller ones
   * are kept).
   */
  public DbOptions fit(DbOptions options) {
    DbOptions.Builder fitted = options.toBuilder();
    if (options.memtableBytes() > memtableBytes) {
      fitted.memtableBytes(memtableBytes);
    }
    if (options.maxImmutableMemtables() > maxImmutableMemtables) {
      fitted.maxImmutableMemtables(maxImmutableMemtables);
    }
    if (options.blockCacheBytes() > blockCacheBytes) {
      fitted.blockCacheBytes(blockCacheBytes);
    }
    return fitted.build();
  }

  /** Whether {@code options} already fit this plan. */
  public boolean fits(DbOptions options) {
    return options.memtableBytes() <= memtableBytes
        && options.maxImmutableMemtables() <= maxImmutableMemtables
        && options.blockCacheBytes() <= blockCacheBytes;
  }

  @Override
  public String toString() {
    return String.format(
        "heap %d MiB: requests in flight %d MiB, memtables %d x %d MiB, block cache %d MiB",
        heapBytes / MIB,
        requestBytes / MIB,
        maxImmutableMemtables + 1,
        memtableBytes / MIB,
        blockCacheBytes / MIB);
  }
}
