package dev.shale.lsm.sstable;

import dev.shale.lsm.spi.VarInts;
import java.util.Arrays;

/** A growable byte array that the writer encodes blocks into. Not thread-safe. */
final class ByteSink {
  private byte[] bytes;
  private int size;

  ByteSink(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  /** The backing array; valid up to {@link #size()} until the next write. */
  byte[] array() {
    return bytes;
  }

  void reset() {
    size = 0;
  }

  /** Drops the backing array if it grew far beyond {@code keep} bytes (after one huge block). */
  void resetAndTrim(int keep) {
    size = 0;
    if (bytes.length > 4 * Math.max(16, keep)) {
      bytes = new byte[Math.max(16, keep)];
    }
  }

  /** Makes room for {@code extra} more bytes; write into {@link #array()} then {@link #setSize}. */
  void reserve(int extra) {
    ensure(extra);
  }

  /** Sets the size after writing directly into {@link #array()}. */
  void setSize(int newSize) {
    if (newSize < 0 || newSize > bytes.length) {
      throw new IllegalArgumentException("size " + newSize + " outside 0.." + bytes.length);
    }
    size = newSize;
  }

  private void ensure(int extra) {
    long needed = (long) size + extra;
    if (needed > bytes.length) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("block would exceed 2 GiB");
      }
      bytes =
          Arrays.copyOf(
              bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16L, 2L * bytes.length)));
    }
  }

  void writeByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  void writeInt(int v) {
    ensure(4);
    BigEndian.putInt(bytes, size, v);
    size += 4;
  }

  void writeLong(long v) {
    ensure(8);
    BigEndian.putLong(bytes, size, v);
    size += 8;
  }

  void writeVarInt(int v) {
    ensure(5);
    size = VarInts.write(bytes, size, v);
  }

  void write(byte[] src, int offset, int length) {
    ensure(length);
    System.arraycopy(src, offset, bytes, size, length);
    size += length;
  }

  void write(byte[] src) {
    write(src, 0, src.length);
  }
}
