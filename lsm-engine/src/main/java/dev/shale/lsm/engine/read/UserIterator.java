package dev.shale.lsm.engine.read;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The user-facing iterator: walks a merged internal iterator, shows for each key only the newest
 * version at or below the snapshot, hides tombstones, and honours the bounds. Releases what it pins
 * (through {@code onClose}) when closed.
 */
public final class UserIterator implements DbIterator {
  private final InternalIterator merged;
  private final long snapshot;
  private final byte @Nullable [] lowerBound;
  private final byte @Nullable [] upperBound;
  private final Runnable onClose;
  private byte @Nullable [] currentKey;
  private byte @Nullable [] currentValue;
  private boolean closed;

  /**
   * @param lowerBound inclusive, or null
   * @param upperBound exclusive, or null
   * @param onClose releases the pinned super version
   */
  public UserIterator(
      InternalIterator merged,
      long snapshot,
      byte @Nullable [] lowerBound,
      byte @Nullable [] upperBound,
      Runnable onClose) {
    this.merged = merged;
    this.snapshot = snapshot;
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
    this.onClose = onClose;
  }

  /**
   * An iteration range.
   *
   * @param lower inclusive, or null
   * @param upper exclusive, or null
   */
  @SuppressWarnings("ArrayRecordComponent")
  public record Bounds(byte @Nullable [] lower, byte @Nullable [] upper) {}

  /**
   * Combines bounds and a prefix into one range: the prefix raises the lower bound to itself and
   * lowers the upper bound to the prefix's successor.
   */
  public static Bounds effectiveBounds(
      byte @Nullable [] lower, byte @Nullable [] upper, byte @Nullable [] prefix) {
    byte[] lo = lower;
    byte[] hi = upper;
    if (prefix != null) {
      if (lo == null || KeyOrder.compareKeys(prefix, lo) > 0) {
        lo = prefix;
      }
      byte[] successor = KeyOrder.prefixSuccessor(prefix);
      if (successor != null && (hi == null || KeyOrder.compareKeys(successor, hi) < 0)) {
        hi = successor;
      }
    }
    return new Bounds(lo, hi);
  }

  @Override
  public boolean isValid() {
    ensureOpen();
    return currentKey != null;
  }

  @Override
  public void seekToFirst() {
    ensureOpen();
    if (lowerBound != null) {
      merged.seek(lowerBound, snapshot);
    } else {
      merged.seekToFirst();
    }
    findVisible(null);
  }

  @Override
  public void seek(byte[] target) {
    ensureOpen();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    byte[] from = target;
    if (lowerBound != null && KeyOrder.compareKeys(lowerBound, target) > 0) {
      from = lowerBound;
    }
    merged.seek(from, snapshot);
    findVisible(null);
  }

  @Override
  public void next() {
    ensureOpen();
    byte[] key = currentKey;
    if (key == null) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
    merged.next();
    findVisible(key);
  }

  @Override
  public byte[] key() {
    ensureOpen();
    byte[] key = currentKey;
    if (key == null) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
    return key.clone();
  }

  @Override
  public byte[] value() {
    ensureOpen();
    byte[] value = currentValue;
    if (value == null) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
    return value.clone();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    currentKey = null;
    currentValue = null;
    try {
      merged.close();
    } finally {
      onClose.run();
    }
  }

  /**
   * Moves to the first visible live entry at or after the merged position, skipping {@code skip}.
   */
  private void findVisible(byte @Nullable [] skip) {
    byte[] skipKey = skip;
    while (merged.isValid()) {
      if (merged.sequence() > snapshot) {
        merged.next();
        continue;
      }
      byte[] key = merged.key();
      if (skipKey != null && Arrays.equals(key, skipKey)) {
        merged.next();
        continue;
      }
      if (upperBound != null && KeyOrder.compareKeys(key, upperBound) >= 0) {
        break;
      }
      if (merged.kind() == EntryKind.DELETE) {
        skipKey = key;
        merged.next();
        continue;
      }
      currentKey = key;
      currentValue = merged.value();
      return;
    }
    currentKey = null;
    currentValue = null;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
  }
}
