package dev.shale.lsm.memtable.skiplist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * How a skip-list node is laid out in an {@code int[]} arena chunk, around its index {@code o}:
 *
 * <pre>
 *   o-1-i   next pointer at level i (the tower, h ints for a node of height h)
 *   o       key length in bytes
 *   o+1     value address in the value arena (0 for an empty value)
 *   o+2     value length
 *   o+3,o+4 trailer (sequence &lt;&lt; 8 | kind), high int then low int
 *   o+5...  the key, packed big-endian four bytes to an int, the last int zero-padded
 * </pre>
 *
 * <p>Packing big-endian makes unsigned comparison of ints the same as unsigned comparison of the
 * bytes, so keys compare with the vectorized {@link Arrays#compareUnsigned(int[], int, int, int[],
 * int, int)}; a tie on the padded ints is broken by the byte length (the shorter key is a prefix).
 */
final class NodeLayout {
  static final int KEY_LENGTH = 0;
  static final int VALUE_ADDRESS = 1;
  static final int VALUE_LENGTH = 2;
  static final int TRAILER = 3;
  static final int KEY = 5;

  private static final VarHandle BIG_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private NodeLayout() {}

  /** Ints a key of {@code keyLength} bytes packs into. */
  static int words(int keyLength) {
    return (keyLength + 3) >>> 2;
  }

  /** Packs {@code src[offset, offset + length)} into {@code dst} from {@code dstIndex}. */
  static void pack(byte[] src, int offset, int length, int[] dst, int dstIndex) {
    int full = length >>> 2;
    for (int i = 0; i < full; i++) {
      dst[dstIndex + i] = (int) BIG_ENDIAN_INT.get(src, offset + (i << 2));
    }
    int rest = length & 3;
    if (rest != 0) {
      int word = 0;
      int tail = offset + (full << 2);
      for (int j = 0; j < rest; j++) {
        word |= (src[tail + j] & 0xFF) << (24 - (j << 3));
      }
      dst[dstIndex + full] = word;
    }
  }

  /** The key of the node at {@code o}, unpacked into a new array. */
  static byte[] key(int[] chunk, int o) {
    int length = chunk[o + KEY_LENGTH];
    byte[] out = new byte[length];
    int full = length >>> 2;
    for (int i = 0; i < full; i++) {
      BIG_ENDIAN_INT.set(out, i << 2, chunk[o + KEY + i]);
    }
    int rest = length & 3;
    if (rest != 0) {
      int word = chunk[o + KEY + full];
      for (int j = 0; j < rest; j++) {
        out[(full << 2) + j] = (byte) (word >>> (24 - (j << 3)));
      }
    }
    return out;
  }

  static long trailer(int[] chunk, int o) {
    return ((long) chunk[o + TRAILER] << 32) | (chunk[o + TRAILER + 1] & 0xFFFFFFFFL);
  }

  static void writeHeader(
      int[] chunk, int o, int keyLength, int valueAddress, int valueLength, long trailer) {
    chunk[o + KEY_LENGTH] = keyLength;
    chunk[o + VALUE_ADDRESS] = valueAddress;
    chunk[o + VALUE_LENGTH] = valueLength;
    chunk[o + TRAILER] = (int) (trailer >>> 32);
    chunk[o + TRAILER + 1] = (int) trailer;
  }

  /** Compares node {@code a} with node {@code b} in internal-key order. */
  static int compare(int[] a, int oa, int[] b, int ob) {
    int c = compareKeys(a, oa, b, ob + KEY, b[ob + KEY_LENGTH]);
    return c != 0 ? c : Long.compareUnsigned(trailer(b, ob), trailer(a, oa));
  }

  /** Compares node {@code a} with the probe in internal-key order. */
  static int compare(int[] a, int oa, Probe probe) {
    int c = compareKeys(a, oa, probe.words, 0, probe.keyLength);
    return c != 0 ? c : Long.compareUnsigned(probe.trailer, trailer(a, oa));
  }

  /** Whether node {@code a} has the probe's user key. */
  static boolean hasKey(int[] a, int oa, Probe probe) {
    int length = a[oa + KEY_LENGTH];
    return length == probe.keyLength
        && Arrays.equals(a, oa + KEY, oa + KEY + words(length), probe.words, 0, words(length));
  }

  private static int compareKeys(int[] a, int oa, int[] b, int keyStart, int lengthB) {
    int lengthA = a[oa + KEY_LENGTH];
    int c =
        Arrays.compareUnsigned(
            a, oa + KEY, oa + KEY + words(lengthA), b, keyStart, keyStart + words(lengthB));
    return c != 0 ? c : Integer.compare(lengthA, lengthB);
  }

  /** A user key packed like a node's, plus a trailer: what a search compares nodes with. */
  static final class Probe {
    int[] words = new int[16];
    int keyLength;
    long trailer;

    Probe set(byte[] key, long trailer) {
      int needed = words(key.length);
      if (words.length < needed) {
        words = new int[Math.max(needed, words.length * 2)];
      }
      pack(key, 0, key.length, words, 0);
      this.keyLength = key.length;
      this.trailer = trailer;
      return this;
    }
  }
}
