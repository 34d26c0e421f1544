package dev.shale.lsm.spi;

/**
 * A cursor over internal entries (user key, sequence, kind, value) in internal-key order: user key
 * ascending as {@link KeyOrder#compareKeys} orders them (unsigned bytes, a prefix before its
 * extensions), then sequence descending. Memtables and SSTable readers produce them; the engine
 * merges them. It shows every version, tombstones included: hiding is the engine's job.
 *
 * <p>A new iterator is positioned nowhere. Not thread-safe. The arrays returned by {@link #key()}
 * and {@link #value()} belong to the source: callers must not modify them and may keep them only as
 * long as the source lives (implementations that reuse buffers must return copies).
 *
 * <p>Unchecked exceptions report damage ({@code CorruptionException}) or I/O failure ({@code
 * StorageIOException}); after one, the iterator is invalid.
 */
public interface InternalIterator extends AutoCloseable {

  /** Whether positioned on an entry. */
  boolean isValid();

  /** Positions on the first entry. */
  void seekToFirst();

  /**
   * Positions on the first entry at or after the internal key {@code (userKey, sequence)}: the
   * newest version of {@code userKey} with a sequence {@code <= sequence}, or else the first entry
   * of a greater user key. {@code seek(k, Sequences.MAX_SEQUENCE)} finds the newest version of k.
   */
  void seek(byte[] userKey, long sequence);

  /** Moves to the next entry. Requires {@link #isValid()}. */
  void next();

  /** The user key of the current entry. */
  byte[] key();

  /** The sequence number of the current entry. */
  long sequence();

  /** The kind of the current entry. */
  EntryKind kind();

  /** The value of the current entry (empty for a tombstone). */
  byte[] value();

  /** Releases resources; idempotent. */
  @Override
  void close();
}
