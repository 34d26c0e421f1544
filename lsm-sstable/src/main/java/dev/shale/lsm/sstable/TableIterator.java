package dev.shale.lsm.sstable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.Sequences;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Iterates a block table in internal-key order, one data block at a time. Keys and values are
 * handed out as copies made on first request, since the cursor reuses its key buffer. Not
 * thread-safe.
 */
final class TableIterator implements InternalIterator {
  private final BlockTableReader reader;
  private final IndexBlock index;
  private final boolean fillCache;
  private @Nullable BlockCursor cursor;
  private int blockIndex = -1;
  private boolean valid;
  private byte @Nullable [] keyCopy;
  private byte @Nullable [] valueCopy;

  TableIterator(BlockTableReader reader, boolean fillCache) {
    this.reader = reader;
    this.index = reader.index();
    this.fillCache = fillCache;
  }

  @Override
  public boolean isValid() {
    return valid;
  }

  @Override
  public void seekToFirst() {
    startOfBlock(0);
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    if (!Sequences.isValid(sequence)) {
      throw new IllegalArgumentException(
          "sequence " + sequence + " is outside 0.." + Sequences.MAX_SEQUENCE);
    }
    long seekTrailer = (sequence << 8) | 0xFF;
    int i = index.find(userKey, seekTrailer);
    if (i >= index.count()) {
      valid = false;
      return;
    }
    BlockCursor c = load(i);
    if (c.seek(userKey, seekTrailer)) {
      positioned();
    } else {
      startOfBlock(i + 1);
    }
  }

  @Override
  public void next() {
    BlockCursor c = current();
    if (c.hasNext()) {
      c.advance();
      positioned();
    } else {
      startOfBlock(blockIndex + 1);
    }
  }

  private void startOfBlock(int i) {
    if (i >= index.count()) {
      valid = false;
      return;
    }
    BlockCursor c = load(i);
    c.advance(); // a block holds at least one entry
    positioned();
  }

  private BlockCursor load(int i) {
    valid = false;
    DataBlock block = reader.block(i, fillCache);
    BlockCursor c = cursor;
    if (c == null) {
      c = new BlockCursor(block);
      cursor = c;
    } else {
      c.reset(block);
    }
    blockIndex = i;
    return c;
  }

  private void positioned() {
    valid = true;
    keyCopy = null;
    valueCopy = null;
  }

  private BlockCursor current() {
    BlockCursor c = cursor;
    if (!valid || c == null) {
      throw new IllegalStateException("the iterator is not positioned on an entry");
    }
    return c;
  }

  @Override
  public byte[] key() {
    BlockCursor c = current();
    byte[] k = keyCopy;
    if (k == null) {
      k = Arrays.copyOf(c.keyBuffer(), c.keyLength());
      keyCopy = k;
    }
    return k;
  }

  @Override
  public long sequence() {
    return current().trailer() >>> 8;
  }

  @Override
  public EntryKind kind() {
    return BlockTableReader.kindOf(current().trailer());
  }

  @Override
  public byte[] value() {
    BlockCursor c = current();
    byte[] v = valueCopy;
    if (v == null) {
      int from = c.valueOffset();
      v = Arrays.copyOfRange(c.data(), from, from + c.valueLength());
      valueCopy = v;
    }
    return v;
  }

  @Override
  public void close() {
    valid = false;
    cursor = null;
  }
}
