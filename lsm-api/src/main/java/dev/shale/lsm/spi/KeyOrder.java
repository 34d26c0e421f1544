package dev.shale.lsm.spi;

import java.util.Arrays;

/**
 * The one key order of Shale: user keys compare as unsigned bytes; internal keys compare by user
 * key ascending, then by sequence number descending (newest first), then by kind code descending.
 */
public final class KeyOrder {
  private KeyOrder() {}

  /** Compares user keys as unsigned bytes. */
  public static int compareKeys(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** Compares user-key slices as unsigned bytes. */
  public static int compareKeys(
      byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) {
    return Arrays.compareUnsigned(a, aOffset, aOffset + aLength, b, bOffset, bOffset + bLength);
  }

  /** Compares internal keys given as user key plus trailer ({@link Sequences#trailer}). */
  public static int compareInternal(byte[] keyA, long trailerA, byte[] keyB, long trailerB) {
    int c = Arrays.compareUnsigned(keyA, keyB);
    // Trailers of sequences >= 2^55 have the top bit set: compare them unsigned.
    return c != 0 ? c : Long.compareUnsigned(trailerB, trailerA);
  }

  /** Whether {@code key} starts with {@code prefix}. */
  public static boolean hasPrefix(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}, or {@code null} when
   * there is none (the prefix is all 0xFF bytes). Turns a prefix into an exclusive upper bound.
   */
  public static byte @org.jspecify.annotations.Nullable [] prefixSuccessor(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] next = Arrays.copyOf(prefix, i + 1);
        next[i]++;
        return next;
      }
    }
    return null;
  }
}
