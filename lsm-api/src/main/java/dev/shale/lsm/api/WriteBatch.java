package dev.shale.lsm.api;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.VarInts;
import java.util.Arrays;

/**
 * An ordered group of puts and deletes that {@link Db#write} applies atomically: after any crash
 * either every operation of the batch is present or none is. Later operations on the same key win.
 *
 * <p>The batch copies keys and values as they are added, so the caller may reuse its arrays. It
 * keeps its operations in the batch encoding of {@code docs/formats.md} ({@code [kind u8][varint
 * key length][key]} then, for a put, {@code [varint value length][value]}), which is also what the
 * write-ahead log stores, so committing a batch copies it once. Not thread-safe; a batch may be
 * reused after {@link #clear()} once the write that took it has returned.
 */
public final class WriteBatch {
  /** The largest encoded size a batch can reach, whatever the Db's configured limit. */
  public static final int MAX_ENCODED_BYTES = Integer.MAX_VALUE - 1024;

  private static final byte[] EMPTY = new byte[0];

  private byte[] buffer = EMPTY;
  private int length;
  private int count;
  private int maxKeyLength;
  private int maxValueLength;

  /** An empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put of {@code value} under {@code key}.
   *
   * @throws IllegalArgumentException when key or value is null, the key is empty, or the batch
   *     would exceed {@link #MAX_ENCODED_BYTES}; the batch is then unchanged
   */
  public WriteBatch put(byte[] key, byte[] value) {
    checkKey(key);
    if (value == null) {
      throw new IllegalArgumentException("value must not be null (use an empty array)");
    }
    long needed =
        1L
            + VarInts.encodedLength(key.length)
            + key.length
            + VarInts.encodedLength(value.length)
            + value.length;
    int at = reserve(needed);
    buffer[at++] = (byte) EntryKind.PUT.code();
    at = VarInts.write(buffer, at, key.length);
    System.arraycopy(key, 0, buffer, at, key.length);
    at += key.length;
    at = VarInts.write(buffer, at, value.length);
    System.arraycopy(value, 0, buffer, at, value.length);
    length = at + value.length;
    count++;
    maxKeyLength = Math.max(maxKeyLength, key.length);
    maxValueLength = Math.max(maxValueLength, value.length);
    return this;
  }

  /**
   * Adds a delete of {@code key}; deleting a key that does not exist is allowed.
   *
   * @throws IllegalArgumentException when the key is null or empty, or the batch would exceed
   *     {@link #MAX_ENCODED_BYTES}
   */
  public WriteBatch delete(byte[] key) {
    checkKey(key);
    long needed = 1L + VarInts.encodedLength(key.length) + key.length;
    int at = reserve(needed);
    buffer[at++] = (byte) EntryKind.DELETE.code();
    at = VarInts.write(buffer, at, key.length);
    System.arraycopy(key, 0, buffer, at, key.length);
    length = at + key.length;
    count++;
    maxKeyLength = Math.max(maxKeyLength, key.length);
    return this;
  }

  /** Removes every operation, keeping the allocated buffer. */
  public WriteBatch clear() {
    length = 0;
    count = 0;
    maxKeyLength = 0;
    maxValueLength = 0;
    return this;
  }

  /** The number of operations. */
  public int count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The size of the batch encoding in bytes (what counts against the Db's batch limit). */
  public int encodedLength() {
    return length;
  }

  /** The length of the longest key in the batch. */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  /** The length of the longest value in the batch. */
  public int maxValueLength() {
    return maxValueLength;
  }

  /** Copies the batch encoding into {@code dst} at {@code offset}. */
  public void copyEncodedTo(byte[] dst, int offset) {
    System.arraycopy(buffer, 0, dst, offset, length);
  }

  /** The batch encoding, in a new array. */
  public byte[] toEncoded() {
    return Arrays.copyOf(buffer, length);
  }

  /** Receives the operations of a batch in order, as slices of the batch's own buffer. */
  @FunctionalInterface
  public interface OpVisitor {
    /**
     * One operation. The slices point into a buffer the visitor must neither modify nor keep; copy
     * what it needs. For a delete, {@code valueLength} is 0.
     *
     * @param index the position of the operation in the batch, from 0
     */
    void visit(
        int index,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength);
  }

  /** Visits every operation in order. */
  public void forEach(OpVisitor visitor) {
    forEach(buffer, 0, length, count, visitor);
  }

  /**
   * Rebuilds a batch from its encoding (as stored in a log record), checking every length.
   *
   * @throws IllegalArgumentException when the bytes are not exactly {@code expectedCount} well
   *     formed operations; decoders turn this into a {@link CorruptionException} naming their file
   */
  public static WriteBatch fromEncoded(byte[] src, int offset, int len, int expectedCount) {
    if (offset < 0 || len < 0 || offset + len > src.length) {
      throw new IllegalArgumentException("batch slice out of bounds");
    }
    if (expectedCount < 0) {
      throw new IllegalArgumentException("negative operation count " + expectedCount);
    }
    WriteBatch batch = new WriteBatch();
    int[] maxima = new int[2];
    forEach(
        src,
        offset,
        offset + len,
        expectedCount,
        (i, kind, b, ko, kl, vo, vl) -> {
          if (kl == 0) {
            throw new IllegalArgumentException("empty key in operation " + i);
          }
          maxima[0] = Math.max(maxima[0], kl);
          maxima[1] = Math.max(maxima[1], vl);
        });
    batch.buffer = Arrays.copyOfRange(src, offset, offset + len);
    batch.length = len;
    batch.count = expectedCount;
    batch.maxKeyLength = maxima[0];
    batch.maxValueLength = maxima[1];
    return batch;
  }

  private static void forEach(byte[] src, int start, int end, int count, OpVisitor visitor) {
    int at = start;
    for (int i = 0; i < count; i++) {
      if (at >= end) {
        throw new IllegalArgumentException(
            "batch declares " + count + " operations but holds " + i);
      }
      int code = src[at++] & 0xFF;
      EntryKind kind = EntryKind.fromCode(code);
      long packed = VarInts.read(src, at, end);
      int keyLength = VarInts.value(packed);
      at = VarInts.next(packed);
      if (keyLength < 0 || keyLength > end - at) {
        throw new IllegalArgumentException("key length " + keyLength + " overruns the batch");
      }
      int keyOffset = at;
      at += keyLength;
      int valueOffset = at;
      int valueLength = 0;
      if (kind == EntryKind.PUT) {
        packed = VarInts.read(src, at, end);
        valueLength = VarInts.value(packed);
        at = VarInts.next(packed);
        if (valueLength < 0 || valueLength > end - at) {
          throw new IllegalArgumentException("value length " + valueLength + " overruns the batch");
        }
        valueOffset = at;
        at += valueLength;
      }
      visitor.visit(i, kind, src, keyOffset, keyLength, valueOffset, valueLength);
    }
    if (at != end) {
      throw new IllegalArgumentException(
          (end - at) + " bytes follow the last of " + count + " operations");
    }
  }

  private static void checkKey(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  /** Makes room for {@code needed} more bytes and returns where they start. */
  private int reserve(long needed) {
    long newLength = length + needed;
    if (newLength > MAX_ENCODED_BYTES) {
      throw new IllegalArgumentException(
          "batch would reach " + newLength + " bytes, more than " + MAX_ENCODED_BYTES);
    }
    if (newLength > buffer.length) {
      long grown = Math.max(newLength, Math.max(64, (long) buffer.length * 2));
      buffer = Arrays.copyOf(buffer, (int) Math.min(grown, MAX_ENCODED_BYTES));
    }
    return length;
  }
}
