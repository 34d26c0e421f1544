package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.io.SequentialOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A {@link SequentialOutput} into memory, for writing tables in tests. Not thread-safe; {@link
 * #toByteArray()} returns a copy of what was written.
 */
public final class ByteArrayTableOutput implements SequentialOutput {
  private final String name;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean closed;

  /** An empty output called {@code name} in messages. */
  public ByteArrayTableOutput(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void write(byte[] b, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
    bytes.write(b, offset, length);
  }

  @Override
  public long position() {
    return bytes.size();
  }

  @Override
  public void flush() {}

  @Override
  public void sync() {}

  @Override
  public void close() {
    closed = true;
  }

  /** A copy of the bytes written so far. */
  public byte[] toByteArray() {
    return bytes.toByteArray();
  }
}
