package dev.shale.lsm.sstable;

import java.util.Arrays;

/**
 * Encodes one data block: entries {@code [shared varint][unshared varint][value length
 * varint][unshared user-key bytes][trailer u64][value]} with user keys prefix-compressed against
 * the previous entry, restarting (shared = 0) every {@code restartInterval} entries, then {@code
 * [restart offset u32]... [restart count u32]}. Not thread-safe.
 */
final class DataBlockBuilder {
  private final int restartInterval;
  private final ByteSink buffer;
  private int[] restarts = new int[16];
  private int restartCount;
  private int sinceRestart;
  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private int entries;
  private boolean finished;

  DataBlockBuilder(int blockBytes, int restartInterval) {
    this.restartInterval = restartInterval;
    this.buffer = new ByteSink(blockBytes + blockBytes / 4);
  }

  boolean isEmpty() {
    return entries == 0;
  }

  /** The block's size if finished now. */
  int estimatedSize() {
    return buffer.size() + 4 * restartCount + 4;
  }

  /** The block's size if an entry of these lengths were added (an upper bound). */
  long estimatedSizeWith(int keyLength, int valueLength) {
    return (long) estimatedSize() + 15L + keyLength + 8 + valueLength + 4;
  }

  void add(byte[] key, long trailer, byte[] value) {
    int shared = 0;
    if (sinceRestart == restartInterval || entries == 0) {
      if (restartCount == restarts.length) {
        restarts = Arrays.copyOf(restarts, restartCount * 2);
      }
      restarts[restartCount++] = buffer.size();
      sinceRestart = 0;
    } else {
      int limit = Math.min(lastKeyLength, key.length);
      int m = Arrays.mismatch(lastKey, 0, limit, key, 0, limit);
      shared = m < 0 ? limit : m;
    }
    int unshared = key.length - shared;
    buffer.writeVarInt(shared);
    buffer.writeVarInt(unshared);
    buffer.writeVarInt(value.length);
    buffer.write(key, shared, unshared);
    buffer.writeLong(trailer);
    buffer.write(value);
    if (lastKey.length < key.length) {
      lastKey = Arrays.copyOf(lastKey, Math.max(key.length, lastKey.length * 2));
    }
    System.arraycopy(key, shared, lastKey, shared, unshared);
    lastKeyLength = key.length;
    sinceRestart++;
    entries++;
  }

  /** Appends the restart array; the block is then {@code buffer().array()[0..size())}. */
  ByteSink finish() {
    if (!finished) {
      for (int i = 0; i < restartCount; i++) {
        buffer.writeInt(restarts[i]);
      }
      buffer.writeInt(restartCount);
      finished = true;
    }
    return buffer;
  }

  /** Empties the builder for the next block, keeping a buffer of about {@code blockBytes}. */
  void reset(int blockBytes) {
    buffer.resetAndTrim(blockBytes + blockBytes / 4);
    restartCount = 0;
    sinceRestart = 0;
    lastKeyLength = 0;
    entries = 0;
    finished = false;
  }
}
