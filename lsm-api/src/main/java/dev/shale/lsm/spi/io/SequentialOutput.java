package dev.shale.lsm.spi.io;

import java.io.IOException;

/**
 * A new file being written front to back. Writes may be buffered: {@link #flush()} hands them to
 * the operating system (they then survive the process dying), {@link #sync()} also forces them to
 * the device (they then survive power loss). Not thread-safe.
 */
public interface SequentialOutput extends AutoCloseable {

  /** The file's path, for messages. */
  String name();

  /** Appends {@code length} bytes of {@code bytes} from {@code offset}. */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /** Appends all of {@code bytes}. */
  default void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  /** Bytes written so far, buffered ones included: the offset of the next byte. */
  long position();

  /** Hands buffered bytes to the operating system. */
  void flush() throws IOException;

  /** Flushes, then forces the file's data to the storage device (fdatasync). */
  void sync() throws IOException;

  /** Flushes and closes without syncing. Idempotent. */
  @Override
  void close() throws IOException;
}
