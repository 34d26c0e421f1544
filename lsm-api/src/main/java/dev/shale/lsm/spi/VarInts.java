package dev.shale.lsm.spi;

/**
 * Unsigned LEB128 variable-length integers, as used by every Shale format (1 to 5 bytes for an
 * {@code int}). Reading returns the value and the next offset packed in one {@code long} so that
 * decoding loops allocate nothing.
 */
public final class VarInts {
  private VarInts() {}

  /** How many bytes {@code value} (treated as unsigned) takes. */
  public static int encodedLength(int value) {
    int bits = 32 - Integer.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  /** Writes {@code value} at {@code offset}; returns the offset after it. */
  public static int write(byte[] dst, int offset, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      dst[offset++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[offset++] = (byte) v;
    return offset;
  }

  /**
   * Reads a varint starting at {@code offset} that must end before {@code limit}.
   *
   * @return {@code (value << 32) | nextOffset}; unpack with {@link #value} and {@link #next}
   * @throws IllegalArgumentException when the varint runs past {@code limit} or is longer than 5
   *     bytes; callers turn this into a {@code CorruptionException} naming their file
   */
  public static long read(byte[] src, int offset, int limit) {
    int result = 0;
    for (int shift = 0, pos = offset; shift <= 28; shift += 7, pos++) {
      if (pos >= limit) {
        throw new IllegalArgumentException("truncated varint at offset " + offset);
      }
      int b = src[pos];
      if (shift == 28 && (b & 0xF0) != 0) {
        throw new IllegalArgumentException("varint too long at offset " + offset);
      }
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return ((long) result << 32) | (pos + 1);
      }
    }
    throw new IllegalArgumentException("varint too long at offset " + offset);
  }

  /** The value part of a {@link #read} result. */
  public static int value(long packed) {
    return (int) (packed >>> 32);
  }

  /** The next-offset part of a {@link #read} result. */
  public static int next(long packed) {
    return (int) packed;
  }
}
