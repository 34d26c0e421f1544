package dev.shale.lsm.bench;

import org.jspecify.annotations.Nullable;

/**
 * The few operations the workloads need, so one workload runs unchanged on Shale and on RocksJava
 * (Caffeine's benchmark habit: a tiny adapter per implementation). Thread-safe like the engines
 * behind it; arrays passed in may be reused by the caller after a call returns, and arrays returned
 * belong to the caller.
 */
interface BenchDb extends AutoCloseable {

  /** Writes one key; {@code sync} asks for an fsync of the log before returning. */
  void put(byte[] key, byte[] value, boolean sync);

  /** Writes {@code count} keys atomically as one batch, without fsync. */
  void putBatch(byte[][] keys, byte[][] values, int count);

  /** The value of {@code key}, or null. */
  byte @Nullable [] get(byte[] key);

  /** A new cursor over the current state; the caller closes it. */
  Cursor cursor();

  /** Writes the memtable out and waits for it and for any compaction it triggers. */
  void flushAndWait();

  /** Compacts everything to the last level and waits until no background work is left. */
  void compactAll();

  /** Waits until no flush or compaction is running or pending. */
  void awaitBackgroundWork();

  /** A one-line summary of engine counters worth keeping with the result (may be empty). */
  String notes();

  @Override
  void close();

  /** A forward cursor, as {@code DbIterator} and {@code RocksIterator} both offer. */
  interface Cursor extends AutoCloseable {
    void seek(byte[] key);

    boolean isValid();

    void next();

    byte[] key();

    byte[] value();

    @Override
    void close();
  }
}
