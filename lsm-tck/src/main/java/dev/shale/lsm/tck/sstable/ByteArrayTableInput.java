package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.io.RandomAccessInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.BitSet;

/**
 * A {@link RandomAccessInput} over a byte array that records which bytes were read and whether it
 * was closed, so tests can check that an integrity check reads every byte and that a reader closes
 * what it owns. Thread-safe.
 */
public final class ByteArrayTableInput implements RandomAccessInput {
  private final String name;
  private final byte[] bytes;
  private final BitSet read = new BitSet();
  private int closeCount;

  /** An input over {@code bytes} (not copied) called {@code name} in messages. */
  public ByteArrayTableInput(String name, byte[] bytes) {
    this.name = name;
    this.bytes = bytes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long length() {
    return bytes.length;
  }

  @Override
  public void readFully(long position, byte[] dst, int offset, int length) throws IOException {
    synchronized (this) {
      if (closeCount > 0) {
        throw new IOException(name + " is closed");
      }
    }
    if (position < 0 || length < 0) {
      throw new IllegalArgumentException("read of " + length + " bytes at " + position);
    }
    if (position + length > bytes.length) {
      throw new EOFException(
          name
              + ": read of "
              + length
              + " bytes at "
              + position
              + " passes the end ("
              + bytes.length
              + ")");
    }
    System.arraycopy(bytes, (int) position, dst, offset, length);
    synchronized (this) {
      read.set((int) position, (int) position + length);
    }
  }

  @Override
  public synchronized void close() {
    closeCount++;
  }

  /** How many distinct bytes were read since creation or the last {@link #forgetReads()}. */
  public synchronized int distinctBytesRead() {
    return read.cardinality();
  }

  /** The first byte position not read, or the length when every byte was read. */
  public synchronized int firstUnreadByte() {
    int i = read.nextClearBit(0);
    return Math.min(i, bytes.length);
  }

  /** Forgets which bytes were read. */
  public synchronized void forgetReads() {
    read.clear();
  }

  /** Whether {@link #close()} was called at least once. */
  public synchronized boolean isClosed() {
    return closeCount > 0;
  }
}
