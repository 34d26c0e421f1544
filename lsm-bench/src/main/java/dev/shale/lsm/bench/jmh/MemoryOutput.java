package dev.shale.lsm.bench.jmh;

import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import java.io.EOFException;
import java.util.Arrays;

/**
 * A growable in-memory file: a {@link SequentialOutput} to write a table into and, once written, a
 * {@link RandomAccessInput} over the same bytes, so table benchmarks measure encoding and decoding
 * rather than the disk. Not thread-safe while writing; reads are thread-safe.
 */
public final class MemoryOutput implements SequentialOutput {
  private byte[] bytes = new byte[1 << 16];
  private int length;

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void write(byte[] src, int offset, int len) {
    if (length + len > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
    }
    System.arraycopy(src, offset, bytes, length, len);
    length += len;
  }

  @Override
  public long position() {
    return length;
  }

  @Override
  public void flush() {}

  @Override
  public void sync() {}

  @Override
  public void close() {}

  /** Forgets what was written, keeping the buffer. */
  public void reset() {
    length = 0;
  }

  /** The bytes written so far, as a file to read. */
  public RandomAccessInput toInput() {
    byte[] data = Arrays.copyOf(bytes, length);
    return new RandomAccessInput() {
      @Override
      public String name() {
        return "memory";
      }

      @Override
      public long length() {
        return data.length;
      }

      @Override
      public void readFully(long position, byte[] dst, int offset, int len) throws EOFException {
        if (position < 0 || position + len > data.length) {
          throw new EOFException("read of " + len + " at " + position + " past " + data.length);
        }
        System.arraycopy(data, (int) position, dst, offset, len);
      }

      @Override
      public void close() {}
    };
  }
}
