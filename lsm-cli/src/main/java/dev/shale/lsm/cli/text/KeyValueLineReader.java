package dev.shale.lsm.cli.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code key<TAB>value} lines from a stream of bytes: by default the format {@code shale
 * scan} prints (escaped with a {@link ByteFormat}), or {@linkplain #raw raw} (the bytes up to the
 * first TAB are the key, the rest of the line is the value, nothing is unescaped). Lines end with
 * LF or CRLF (in the escaped format a raw CR is never data: {@link ByteFormat} escapes it); the
 * last line may lack its newline; blank lines are skipped. Works on bytes, so any byte other than
 * TAB, LF and the escapes of the format is taken as it is. Not thread-safe.
 */
public final class KeyValueLineReader {
  private static final int INITIAL_BUFFER = 1 << 16;

  private final InputStream in;
  private final @Nullable ByteFormat format; // null: raw
  private final int maxLineBytes;
  private byte[] buffer = new byte[INITIAL_BUFFER];
  private int start; // first unread byte
  private int end; // end of the bytes read so far
  private boolean endOfInput;
  private long lineNumber;
  private long bytesConsumed;
  private byte[] key = new byte[0];
  private byte[] value = new byte[0];

  /**
   * @param in the input; not closed by this reader
   * @param format how keys and values are written
   * @param maxLineBytes the longest line accepted, so a stream without newlines fails instead of
   *     filling the heap
   */
  public KeyValueLineReader(InputStream in, ByteFormat format, int maxLineBytes) {
    this(format, in, maxLineBytes);
  }

  private KeyValueLineReader(@Nullable ByteFormat format, InputStream in, int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
    }
    this.in = in;
    this.format = format;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * A reader of raw lines: the bytes up to the first TAB are the key, the rest of the line (TABs
   * and backslashes included) is the value, as they are; a CR before the LF ends the line.
   */
  public static KeyValueLineReader raw(InputStream in, int maxLineBytes) {
    return new KeyValueLineReader(null, in, maxLineBytes);
  }

  /**
   * Reads the next non-blank line.
   *
   * @return false at the end of the input
   * @throws MalformedLineException when the line is not a {@code key<TAB>value} line, or is longer
   *     than the limit
   * @throws IOException when reading fails
   */
  public boolean next() throws IOException {
    while (true) {
      int newline = findNewline();
      if (newline < 0 && start == end) {
        return false;
      }
      int lineStart = start;
      int lineEnd = newline < 0 ? end : newline;
      start = newline < 0 ? end : newline + 1;
      bytesConsumed += start - lineStart;
      lineNumber++;
      int contentEnd = lineEnd > lineStart && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      if (contentEnd == lineStart) {
        continue;
      }
      parse(lineStart, contentEnd);
      return true;
    }
  }

  /** The key of the current line, in a new array. */
  public byte[] key() {
    return key;
  }

  /** The value of the current line, in a new array. */
  public byte[] value() {
    return value;
  }

  /** The number of the current line, from 1 (blank lines count). */
  public long lineNumber() {
    return lineNumber;
  }

  /** Bytes of input consumed so far, newlines included. */
  public long bytesConsumed() {
    return bytesConsumed;
  }

  private void parse(int from, int to) {
    int tab = indexOf((byte) '\t', from, to);
    if (tab < 0) {
      throw new MalformedLineException(
          lineNumber, 0, "no TAB between key and value (a line is key<TAB>value)");
    }
    if (format == null) {
      key = Arrays.copyOfRange(buffer, from, tab);
      value = Arrays.copyOfRange(buffer, tab + 1, to);
      return;
    }
    int secondTab = indexOf((byte) '\t', tab + 1, to);
    if (secondTab >= 0) {
      throw new MalformedLineException(
          lineNumber,
          secondTab - from + 1,
          "a second TAB (a TAB inside a key or value is written \\t)");
    }
    key = field("key", from, from, tab);
    value = field("value", from, tab + 1, to);
  }

  private byte[] field(String what, int lineStart, int from, int to) {
    try {
      return Objects.requireNonNull(format).parse(buffer, from, to);
    } catch (MalformedTextException e) {
      throw new MalformedLineException(
          lineNumber, from - lineStart + e.offset() + 1, "in the " + what + ": " + e.getMessage());
    }
  }

  /** The index of the next LF at or after {@code start}, reading as needed, or -1 at the end. */
  private int findNewline() throws IOException {
    int searched = start;
    while (true) {
      int newline = indexOf((byte) '\n', searched, end);
      if (newline >= 0) {
        return newline;
      }
      if (endOfInput) {
        return -1;
      }
      if (end - start > maxLineBytes) {
        throw new MalformedLineException(
            lineNumber + 1, 0, "longer than " + maxLineBytes + " bytes; is this a text file?");
      }
      if (end == buffer.length) {
        makeRoom();
      }
      searched = end; // everything before end has been searched (makeRoom rebases indices)
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        endOfInput = true;
      } else {
        end += n;
      }
    }
  }

  /** Moves the unread bytes to the front, growing the buffer when they fill it. */
  private void makeRoom() {
    int unread = end - start;
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, unread);
    } else {
      long grown = Math.min((long) buffer.length * 2, (long) maxLineBytes + 2);
      buffer = Arrays.copyOf(buffer, (int) Math.max(grown, buffer.length + 1L));
    }
    start = 0;
    end = unread;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
