package dev.shale.lsm.sstable;

/**
 * Unsigned comparison of short byte ranges, eight bytes at a time. For the keys a lookup compares
 * (usually differing within the first word) this beats {@link java.util.Arrays#mismatch}, whose
 * fixed cost dominates on short ranges.
 */
final class ByteRanges {
  private ByteRanges() {}

  /**
   * The index, relative to the range starts, of the first differing byte; the shorter length when
   * one range is a prefix of the other; -1 when they are equal (as {@link
   * java.util.Arrays#mismatch(byte[], int, int, byte[], int, int)}).
   */
  static int mismatch(byte[] a, int aFrom, int aLength, byte[] b, int bFrom, int bLength) {
    int n = Math.min(aLength, bLength);
    int i = 0;
    while (i + 8 <= n) {
      long x = BigEndian.getLong(a, aFrom + i);
      long y = BigEndian.getLong(b, bFrom + i);
      if (x != y) {
        return i + (Long.numberOfLeadingZeros(x ^ y) >>> 3);
      }
      i += 8;
    }
    while (i < n) {
      if (a[aFrom + i] != b[bFrom + i]) {
        return i;
      }
      i++;
    }
    return aLength == bLength ? -1 : n;
  }

  /** Compares two ranges as unsigned bytes, shorter first on a common prefix. */
  static int compare(byte[] a, int aFrom, int aLength, byte[] b, int bFrom, int bLength) {
    int m = mismatch(a, aFrom, aLength, b, bFrom, bLength);
    if (m < 0) {
      return 0;
    }
    if (m == aLength || m == bLength) {
      return aLength - bLength;
    }
    return (a[aFrom + m] & 0xFF) - (b[bFrom + m] & 0xFF);
  }
}
