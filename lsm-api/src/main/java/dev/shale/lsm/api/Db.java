package dev.shale.lsm.api;

import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * An open LSM-tree key-value store. Open one with {@code dev.shale.lsm.assembly.Shale.open(Path)}.
 *
 * <p>Thread-safe: any number of threads may read and write at once. Writes are linearizable; a
 * batch becomes visible to readers all at once, and never before a batch acknowledged earlier.
 * Every array argument is copied before the call returns and every returned array belongs to the
 * caller.
 *
 * <p>Errors: {@link IllegalArgumentException} for a bad argument (null, empty or oversized key,
 * oversized value or batch), with nothing written; {@link IllegalStateException} after {@link
 * #close()}; {@link CorruptionException} when stored data fails a check; {@link StorageIOException}
 * when storage fails, after which the Db refuses writes; {@link FencedException} when another
 * primary took over the log; {@link WriteStallException} when a write gives up waiting for a stall
 * to clear.
 */
public interface Db extends AutoCloseable {

  /** Sets {@code key} to {@code value} with the default durability. */
  void put(byte[] key, byte[] value);

  /** Sets {@code key} to {@code value} with the given options. */
  void put(byte[] key, byte[] value, WriteOptions options);

  /** Deletes {@code key} (a tombstone) with the default durability; absent keys are fine. */
  void delete(byte[] key);

  /** Deletes {@code key} with the given options. */
  void delete(byte[] key, WriteOptions options);

  /** Applies {@code batch} atomically with the default durability. An empty batch is a no-op. */
  void write(WriteBatch batch);

  /**
   * Applies {@code batch} atomically. Returns once the batch is visible to readers and as durable
   * as {@link WriteOptions#durability()} asks.
   */
  void write(WriteBatch batch, WriteOptions options);

  /** The latest value of {@code key}, or null when absent or deleted. */
  byte @Nullable [] get(byte[] key);

  /** The value of {@code key} as {@code options} sees it (snapshot), or null. */
  byte @Nullable [] get(byte[] key, ReadOptions options);

  /**
   * An iterator over the live keys as {@code options} sees them (snapshot, bounds, prefix). Close
   * it when done.
   */
  DbIterator iterator(ReadOptions options);

  /**
   * The live entries as {@code options} sees them, in key order, as a lazy stream over an {@link
   * #iterator}. The stream holds the iterator open: use it in try-with-resources.
   */
  default Stream<KeyValue> scan(ReadOptions options) {
    DbIterator iterator = iterator(options);
    iterator.seekToFirst();
    Spliterator<KeyValue> spliterator =
        new Spliterators.AbstractSpliterator<>(
            Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT) {
          @Override
          public boolean tryAdvance(Consumer<? super KeyValue> action) {
            if (!iterator.isValid()) {
              return false;
            }
            KeyValue kv = new KeyValue(iterator.key(), iterator.value());
            iterator.next();
            action.accept(kv);
            return true;
          }
        };
    return StreamSupport.stream(spliterator, false).onClose(iterator::close);
  }

  /** A snapshot of the current state; close it when done. */
  Snapshot snapshot();

  /**
   * Starts an optimistic transaction (needs the {@code lsm-txn} module, installed by default).
   *
   * @throws UnsupportedOperationException when no transaction provider is installed
   */
  Transaction beginTransaction(TransactionOptions options);

  /** Starts a serializable transaction with the default durability. */
  default Transaction beginTransaction() {
    return beginTransaction(TransactionOptions.defaults());
  }

  /** Counters and shape of the Db now. */
  DbStats stats();

  /**
   * Waits until everything written is flushed out of the write-ahead log into SSTables, so
   * reopening replays nothing. Cheap when nothing is pending.
   */
  void flush();

  /**
   * Compacts every file holding keys in {@code [from, to]} (null for unbounded) down to the last
   * level, so overwritten versions and deletes in that range are dropped, and waits for it.
   */
  void compactRange(byte @Nullable [] from, byte @Nullable [] to);

  /**
   * Waits for in-flight writes to finish, flushes the memtables when they hold 1 MiB or more (so
   * that the next open does not replay a large log; smaller ones stay in the log, which keeps
   * acknowledged writes durable either way), stops background work, releases files. A read-only Db
   * flushes nothing. Idempotent.
   */
  @Override
  void close();
}
