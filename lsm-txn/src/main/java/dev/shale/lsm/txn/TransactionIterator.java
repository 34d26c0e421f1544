package dev.shale.lsm.txn;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.txn.ReadSet.Scan;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A transaction's iterator: the engine's iterator at the transaction's snapshot merged with the
 * write set, where a buffered put shadows the snapshot's value and a buffered delete hides the key.
 * The write set is looked up afresh at each step (no Java iterator over it), so writes the
 * transaction makes while iterating are seen once the iterator moves past them and never break it.
 * Under serializable isolation every positioning starts a {@link ReadSet.Scan} that grows as the
 * iterator moves. Not thread-safe.
 */
final class TransactionIterator implements DbIterator {
  private final OptimisticTransaction txn;
  private final DbIterator base;
  private final TreeMap<byte[], byte[]> writes;
  private final @Nullable ReadSet reads;
  private final byte @Nullable [] lower;
  private final byte @Nullable [] upper;

  private @Nullable Scan scan;
  private byte @Nullable [] baseKey; // the base iterator's key, or null when it is exhausted
  private byte @Nullable [] current; // the key the iterator is on, or null
  private byte @Nullable [] ownValue; // the value when the current key comes from the write set
  private boolean positioned;
  private boolean closed;

  TransactionIterator(
      OptimisticTransaction txn,
      DbIterator base,
      ReadOptions options,
      TreeMap<byte[], byte[]> writes,
      @Nullable ReadSet reads) {
    this.txn = txn;
    this.base = base;
    this.writes = writes;
    this.reads = reads;
    byte[] prefix = options.prefix();
    byte[] lo = options.lowerBound();
    byte[] hi = options.upperBound();
    if (prefix != null) {
      lo = Keys.maxLower(lo, prefix);
      hi = Keys.minUpper(hi, Keys.prefixEnd(prefix));
    }
    this.lower = lo;
    this.upper = hi;
  }

  @Override
  public boolean isValid() {
    checkOpen();
    return current != null;
  }

  @Override
  public void seekToFirst() {
    checkOpen();
    base.seekToFirst();
    position(lower);
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    base.seek(target);
    position(Keys.maxLower(target.clone(), lower));
  }

  private void position(byte @Nullable [] from) {
    positioned = true;
    scan = reads == null ? null : reads.startScan(from, upper);
    loadBase();
    settle(from == null ? writes.isEmpty() ? null : writes.firstKey() : writes.ceilingKey(from));
  }

  @Override
  public void next() {
    checkOpen();
    byte[] at = current;
    if (at == null) {
      throw new IllegalStateException(
          positioned ? "the iterator is exhausted" : "position the iterator with seek first");
    }
    if (baseKey != null && Keys.compare(baseKey, at) == 0) {
      base.next();
      loadBase();
    }
    settle(writes.higherKey(at));
  }

  /** Moves to the first visible key at or after the smaller of the base key and {@code own}. */
  private void settle(byte @Nullable [] own) {
    byte[] w = own;
    while (true) {
      if (w != null && upper != null && Keys.compare(w, upper) >= 0) {
        w = null;
      }
      byte[] b = baseKey;
      if (w == null && b == null) {
        current = null;
        ownValue = null;
        if (scan != null) {
          scan.exhausted();
        }
        return;
      }
      int c = w == null ? 1 : b == null ? -1 : Keys.compare(w, b);
      if (w != null && c <= 0) {
        byte[] value = writes.get(w);
        if (value == OptimisticTransaction.TOMBSTONE) {
          if (c == 0) {
            base.next();
            loadBase();
          }
          w = writes.higherKey(w);
          continue;
        }
        current = w;
        ownValue = value;
      } else {
        current = b;
        ownValue = null;
      }
      Scan s = scan;
      byte[] at = current;
      if (s != null && at != null) {
        s.reached(at);
      }
      return;
    }
  }

  private void loadBase() {
    baseKey = base.isValid() ? base.key() : null;
  }

  @Override
  public byte[] key() {
    return checkValid().clone();
  }

  @Override
  public byte[] value() {
    checkValid();
    byte[] own = ownValue;
    return own != null ? own.clone() : base.value();
  }

  @Override
  public void close() {
    if (!closed) {
      txn.iteratorClosed(this);
      closeBase();
    }
  }

  /** Closes the engine iterator; the transaction calls it when it ends. */
  void closeBase() {
    if (!closed) {
      closed = true;
      base.close();
    }
  }

  private byte[] checkValid() {
    checkOpen();
    byte[] at = current;
    if (at == null) {
      throw new IllegalStateException("the iterator is not positioned on an entry");
    }
    return at;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the iterator is closed");
    }
  }
}
