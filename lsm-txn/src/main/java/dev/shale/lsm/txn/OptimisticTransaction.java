package dev.shale.lsm.txn;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.IsolationLevel;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.txn.TransactionSupport;
import dev.shale.lsm.spi.txn.TransactionSupport.CommittedState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One optimistic transaction: a snapshot, a write set sorted by unsigned key (a delete is stored as
 * {@link #TOMBSTONE}), and under serializable isolation a {@link ReadSet}. Not thread-safe.
 */
final class OptimisticTransaction implements Transaction {
  /**
   * Marks a buffered delete. Compared by identity: user values are always copied into new arrays,
   * so an empty user value is never this instance.
   */
  static final byte[] TOMBSTONE = new byte[0];

  private enum State {
    OPEN,
    COMMITTED,
    ROLLED_BACK
  }

  private final TransactionSupport db;
  private final TransactionOptions options;
  private final Snapshot snapshot;
  private final ReadOptions snapshotRead;
  private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Keys.ORDER);
  private final @Nullable ReadSet reads;
  private final List<TransactionIterator> iterators = new ArrayList<>();
  private State state = State.OPEN;

  OptimisticTransaction(TransactionSupport db, TransactionOptions options) {
    this.db = db;
    this.options = options;
    this.reads = options.isolation() == IsolationLevel.SERIALIZABLE ? new ReadSet() : null;
    this.snapshot = db.snapshot();
    this.snapshotRead = ReadOptions.defaults().withSnapshot(snapshot);
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    checkOpen();
    checkKey(key);
    byte[] own = writes.get(key);
    if (own != null) {
      return own == TOMBSTONE ? null : own.clone();
    }
    byte[] value = db.get(key, snapshotRead);
    if (reads != null) {
      reads.addKey(key.clone());
    }
    return value;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    checkKey(key);
    if (value == null) {
      throw new IllegalArgumentException("value must not be null (use an empty array)");
    }
    writes.put(key.clone(), value.clone());
  }

  @Override
  public void delete(byte[] key) {
    checkOpen();
    checkKey(key);
    writes.put(key.clone(), TOMBSTONE);
  }

  @Override
  public DbIterator iterator(ReadOptions readOptions) {
    checkOpen();
    if (readOptions == null) {
      throw new IllegalArgumentException("read options must not be null");
    }
    TransactionIterator it =
        new TransactionIterator(
            this, db.iterator(readOptions.withSnapshot(snapshot)), readOptions, writes, reads);
    iterators.add(it);
    return it;
  }

  @Override
  public long startSequence() {
    checkOpen();
    return snapshot.sequence();
  }

  @Override
  public void commit() {
    checkOpen();
    try {
      if (writes.isEmpty()) {
        // Read-only: it saw one consistent snapshot, so it serializes there; nothing to check.
        state = State.COMMITTED;
        return;
      }
      WriteBatch batch = new WriteBatch();
      for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
        if (e.getValue() == TOMBSTONE) {
          batch.delete(e.getKey());
        } else {
          batch.put(e.getKey(), e.getValue());
        }
      }
      long start = snapshot.sequence();
      db.commit(batch, options.writeOptions(), committed -> validate(committed, start));
      state = State.COMMITTED;
    } finally {
      if (state == State.OPEN) {
        state = State.ROLLED_BACK; // a failed commit ends the transaction as a rollback
      }
      release();
    }
  }

  /** Runs on the commit leader: every write-set key, then (serializable) everything read. */
  private void validate(CommittedState committed, long start) {
    for (byte[] key : writes.keySet()) {
      long latest = committed.latestSequence(key);
      if (latest > start) {
        throw new TransactionConflictException(
            "key "
                + Keys.describe(key)
                + " written by this transaction was committed by another at sequence "
                + latest
                + ", after this transaction's snapshot (sequence "
                + start
                + "); run the transaction again");
      }
    }
    if (reads != null) {
      reads.validate(committed, start);
    }
  }

  @Override
  public void rollback() {
    checkOpen();
    state = State.ROLLED_BACK;
    release();
  }

  @Override
  public void close() {
    if (state == State.OPEN) {
      rollback();
    }
  }

  /** Called by an iterator when the user closes it. */
  void iteratorClosed(TransactionIterator it) {
    iterators.remove(it);
  }

  void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "the transaction is "
              + (state == State.COMMITTED ? "committed" : "rolled back")
              + "; begin a new one");
    }
  }

  private void release() {
    writes.clear();
    List<TransactionIterator> open = List.copyOf(iterators);
    iterators.clear();
    RuntimeException failure = null;
    for (TransactionIterator it : open) {
      try {
        it.closeBase();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    snapshot.close();
    if (failure != null) {
      throw failure;
    }
  }

  private static void checkKey(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }
}
