package dev.shale.lsm.sstable;

import java.util.Arrays;

/**
 * Walks the entries of one {@link DataBlock} forward, rebuilding each full user key from the
 * prefix-compressed entries into a reused buffer. Not thread-safe.
 */
final class BlockCursor {
  private DataBlock block;
  private byte[] data;
  private int next;
  private byte[] key = new byte[64];
  private int keyLength;
  private long trailer;
  private int valueOffset;
  private int valueLength;

  BlockCursor(DataBlock block) {
    reset(block);
  }

  /** Positions before the first entry of {@code newBlock}. */
  void reset(DataBlock newBlock) {
    block = newBlock;
    data = newBlock.data();
    next = 0;
    keyLength = 0;
  }

  boolean hasNext() {
    return next < block.entriesEnd();
  }

  /** Decodes the next entry. Requires {@link #hasNext()}. */
  void advance() {
    long v = DataBlock.varint(data, next);
    int shared = (int) (v >>> 32);
    v = DataBlock.varint(data, (int) v);
    int unshared = (int) (v >>> 32);
    v = DataBlock.varint(data, (int) v);
    valueLength = (int) (v >>> 32);
    int keyStart = (int) v;
    int length = shared + unshared;
    if (key.length < length) {
      key = Arrays.copyOf(key, Math.max(length, key.length * 2));
    }
    System.arraycopy(data, keyStart, key, shared, unshared);
    keyLength = length;
    trailer = BigEndian.getLong(data, keyStart + unshared);
    valueOffset = keyStart + unshared + 8;
    next = valueOffset + valueLength;
  }

  /**
   * Positions on the first entry at or after the internal key {@code (target, seekTrailer)};
   * returns false, positioned past the end, when the block has none.
   */
  boolean seek(byte[] target, long seekTrailer) {
    next = block.restartOffset(block.seekRestart(target, seekTrailer));
    keyLength = 0;
    while (hasNext()) {
      advance();
      int c = Arrays.compareUnsigned(key, 0, keyLength, target, 0, target.length);
      if (c > 0 || (c == 0 && Long.compareUnsigned(trailer, seekTrailer) <= 0)) {
        return true;
      }
    }
    return false;
  }

  /** The reused key buffer; valid up to {@link #keyLength()} until the next move. */
  byte[] keyBuffer() {
    return key;
  }

  int keyLength() {
    return keyLength;
  }

  long trailer() {
    return trailer;
  }

  byte[] data() {
    return data;
  }

  int valueOffset() {
    return valueOffset;
  }

  int valueLength() {
    return valueLength;
  }
}
