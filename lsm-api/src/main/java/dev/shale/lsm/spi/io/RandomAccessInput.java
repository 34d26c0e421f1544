package dev.shale.lsm.spi.io;

import java.io.IOException;

/** An immutable file read at arbitrary positions. Thread-safe: many threads may read at once. */
public interface RandomAccessInput extends AutoCloseable {

  /** The file's path, for messages. */
  String name();

  /** The file's length in bytes, as of opening. */
  long length();

  /**
   * Reads exactly {@code length} bytes at {@code position} into {@code dst}.
   *
   * @throws java.io.EOFException when the file ends first
   */
  void readFully(long position, byte[] dst, int offset, int length) throws IOException;

  /** Closes the file. Idempotent; reads after close fail. */
  @Override
  void close() throws IOException;
}
