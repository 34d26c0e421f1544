package dev.shale.lsm.txn;

import java.util.Arrays;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/** Unsigned-byte key helpers: order, bounds, and short descriptions for messages. */
final class Keys {
  static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private static final int DESCRIBED_BYTES = 48;

  private Keys() {}

  static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** The smallest key greater than {@code key}: {@code key} followed by a zero byte. */
  static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}, or null when there is
   * none (the prefix is all 0xFF bytes).
   */
  static byte @Nullable [] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** The larger of two lower bounds (null = unbounded). */
  static byte @Nullable [] maxLower(byte @Nullable [] a, byte @Nullable [] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return compare(a, b) >= 0 ? a : b;
  }

  /** The smaller of two exclusive upper bounds (null = unbounded). */
  static byte @Nullable [] minUpper(byte @Nullable [] a, byte @Nullable [] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return compare(a, b) <= 0 ? a : b;
  }

  /** The larger of two exclusive upper bounds (null = unbounded). */
  static byte @Nullable [] maxUpper(byte @Nullable [] a, byte @Nullable [] b) {
    if (a == null || b == null) {
      return null;
    }
    return compare(a, b) >= 0 ? a : b;
  }

  /** The key as text when printable, else as hex; long keys are cut. */
  static String describe(byte @Nullable [] key) {
    if (key == null) {
      return "(unbounded)";
    }
    int n = Math.min(key.length, DESCRIBED_BYTES);
    boolean printable = true;
    for (int i = 0; i < n && printable; i++) {
      printable = key[i] >= 0x20 && key[i] < 0x7F;
    }
    StringBuilder s = new StringBuilder();
    if (printable) {
      s.append('"');
      for (int i = 0; i < n; i++) {
        s.append((char) key[i]);
      }
      s.append('"');
    } else {
      s.append("0x");
      for (int i = 0; i < n; i++) {
        s.append(Character.forDigit((key[i] >> 4) & 0xF, 16))
            .append(Character.forDigit(key[i] & 0xF, 16));
      }
    }
    if (key.length > n) {
      s.append("... (").append(key.length).append(" bytes)");
    }
    return s.toString();
  }
}
