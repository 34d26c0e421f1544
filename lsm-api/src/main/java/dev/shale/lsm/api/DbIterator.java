package dev.shale.lsm.api;

/**
 * A cursor over the live keys of a Db in ascending unsigned-byte order, as of one snapshot, within
 * the bounds and prefix of its {@link ReadOptions}. Deleted keys and overwritten versions are
 * hidden.
 *
 * <p>A new iterator is positioned nowhere: call {@link #seekToFirst()} or {@link #seek(byte[])}
 * first. It keeps working while the Db flushes and compacts underneath, and it pins the files it
 * reads until it is closed, so close it promptly (try-with-resources). Not thread-safe: one thread
 * at a time. After {@link #close()} every method but {@code close} throws {@link
 * IllegalStateException}. Positioning methods throw {@link CorruptionException} when a block fails
 * its checksum.
 */
public interface DbIterator extends AutoCloseable {

  /** Whether the iterator is positioned on an entry. */
  boolean isValid();

  /** Positions on the first key within the bounds. */
  void seekToFirst();

  /** Positions on the first key that is at or after {@code target} (and within the bounds). */
  void seek(byte[] target);

  /** Moves to the next key. Requires {@link #isValid()}. */
  void next();

  /** The current key, in a new array the caller owns. Requires {@link #isValid()}. */
  byte[] key();

  /** The current value, in a new array the caller owns. Requires {@link #isValid()}. */
  byte[] value();

  /** Releases the iterator and the files it pins. Idempotent. */
  @Override
  void close();
}
