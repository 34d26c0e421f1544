package dev.shale.lsm.api;

/**
 * A consistent, read-only view of a Db as of one sequence number. Reads with {@link
 * ReadOptions#withSnapshot} see exactly the writes acknowledged before the snapshot was taken.
 *
 * <p>While open, a snapshot keeps every version it can see from being compacted away, so close it
 * when done; open snapshots are counted in {@link Db#stats()}. Closing twice is harmless.
 * Thread-safe.
 */
public interface Snapshot extends AutoCloseable {

  /** The sequence number of the newest write this snapshot sees. */
  long sequence();

  /** Releases the snapshot. Idempotent. */
  @Override
  void close();
}
