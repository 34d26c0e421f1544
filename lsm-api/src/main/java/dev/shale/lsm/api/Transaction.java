package dev.shale.lsm.api;

import org.jspecify.annotations.Nullable;

/**
 * An optimistic transaction: reads see a snapshot taken at {@code beginTransaction} plus the
 * transaction's own writes; writes are buffered until {@link #commit()}, which applies them
 * atomically (one batch) if no conflicting commit happened since the start, as the {@link
 * IsolationLevel} defines, and throws {@link TransactionConflictException} otherwise.
 *
 * <p>Not thread-safe: one thread at a time. After commit or rollback, every method but {@link
 * #close()} throws {@link IllegalStateException}. Closing an open transaction rolls it back. Arrays
 * are copied in and out, as with {@link Db}.
 */
public interface Transaction extends AutoCloseable {

  /** The value of {@code key}: the transaction's own write if any, else as of its snapshot. */
  byte @Nullable [] get(byte[] key);

  /** Buffers a put. */
  void put(byte[] key, byte[] value);

  /** Buffers a delete. */
  void delete(byte[] key);

  /**
   * An iterator over the snapshot merged with the transaction's own writes, within {@code options}'
   * bounds and prefix (its snapshot is ignored). Under serializable isolation the range it covers
   * is recorded, so a concurrent insert into it is a conflict.
   */
  DbIterator iterator(ReadOptions options);

  /** The sequence of the snapshot the transaction reads. */
  long startSequence();

  /**
   * Validates and applies the buffered writes atomically.
   *
   * @throws TransactionConflictException when a concurrent commit conflicts; nothing is written
   */
  void commit();

  /** Discards the buffered writes. */
  void rollback();

  /** Rolls back unless committed; releases the snapshot. Idempotent. */
  @Override
  void close();
}
