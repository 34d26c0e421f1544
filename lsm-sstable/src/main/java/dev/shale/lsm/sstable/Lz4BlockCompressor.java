package dev.shale.lsm.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An LZ4 block-format compressor (the greedy single-probe "fast" algorithm, acceleration 1) whose
 * output lz4-java's safe decompressor reads. One per thread: not thread-safe.
 *
 * <p>Why not lz4-java's pure-Java compressor: it allocates and zeroes a fresh 16 KiB hash table for
 * every call (four times the bytes of a 4 KiB block) and reads input bytes one at a time. This one
 * keeps its table across calls and tells stale entries apart by an offset that grows with every
 * call, so nothing is cleared or allocated per block; it reads four or eight bytes at once and
 * measures matches with {@link Arrays#mismatch} (vectorised). Flushes and compactions spent most of
 * their time in LZ4 compression.
 */
final class Lz4BlockCompressor {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int MIN_MATCH = 4;
  private static final int LAST_LITERALS = 5; // the format ends every block with 5+ literals
  private static final int MF_LIMIT = 12; // no match starts in the last 12 bytes
  private static final int MIN_LENGTH = MF_LIMIT + 1;
  private static final int MAX_DISTANCE = 65535;
  private static final int HASH_LOG = 13;
  private static final int SKIP_TRIGGER = 6; // as LZ4: search faster through incompressible data
  private static final int ML_MASK = 15;
  private static final int RUN_MASK = 15;

  /** Slot to (position in its input + base); an entry below the current base is stale. */
  private final int[] table = new int[1 << HASH_LOG];

  private int base = 1; // every slot starts at 0: stale

  /** The most bytes {@link #compress} can write for {@code length} input bytes. */
  static int maxCompressedLength(int length) {
    return length + length / 255 + 16;
  }

  /**
   * Compresses {@code src[srcOff..srcOff+srcLen)} as one LZ4 block into {@code dst} from {@code
   * dstOff}, which must have {@link #maxCompressedLength} bytes of room; returns the bytes written.
   */
  int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff) {
    if (base > Integer.MAX_VALUE - srcLen - 2) {
      Arrays.fill(table, 0);
      base = 1;
    }
    int b = base - srcOff; // table value = position + b
    base += srcLen + 1;
    int end = srcOff + srcLen;
    int op = dstOff;
    int anchor = srcOff;
    if (srcLen >= MIN_LENGTH) {
      int mfLimit = end - MF_LIMIT;
      int matchLimit = end - LAST_LITERALS;
      int ip = srcOff;
      table[hash(src, ip)] = ip + b;
      ip++;
      search:
      while (true) {
        int ref;
        int searchMatch = 1 << SKIP_TRIGGER;
        int step = 1;
        while (true) {
          if (ip > mfLimit) {
            break search;
          }
          int sequence = (int) INT_LE.get(src, ip);
          int h = hash(sequence);
          ref = table[h] - b;
          table[h] = ip + b;
          if (ref >= srcOff && ip - ref <= MAX_DISTANCE && (int) INT_LE.get(src, ref) == sequence) {
            break;
          }
          ip += step;
          step = searchMatch++ >>> SKIP_TRIGGER;
        }
        while (ip > anchor && ref > srcOff && src[ip - 1] == src[ref - 1]) {
          ip--;
          ref--;
        }
        int room = matchLimit - (ip + MIN_MATCH);
        int common =
            Arrays.mismatch(
                src, ref + MIN_MATCH, ref + MIN_MATCH + room, src, ip + MIN_MATCH, matchLimit);
        int matchLength = MIN_MATCH + (common < 0 ? room : common);
        op = writeSequence(src, anchor, ip - anchor, ip - ref, matchLength, dst, op);
        ip += matchLength;
        anchor = ip;
        if (ip > mfLimit) {
          break;
        }
        table[hash(src, ip - 2)] = ip - 2 + b;
      }
    }
    return writeLastLiterals(src, anchor, end - anchor, dst, op) - dstOff;
  }

  private static int hash(byte[] src, int at) {
    return hash((int) INT_LE.get(src, at));
  }

  private static int hash(int sequence) {
    return (sequence * -1640531535) >>> (32 - HASH_LOG);
  }

  private static int writeSequence(
      byte[] src, int literalsAt, int literals, int distance, int matchLength, byte[] dst, int op) {
    int token = op++;
    int ml = matchLength - MIN_MATCH;
    int t = (Math.min(literals, RUN_MASK) << 4) | Math.min(ml, ML_MASK);
    dst[token] = (byte) t;
    if (literals >= RUN_MASK) {
      op = writeLength(literals - RUN_MASK, dst, op);
    }
    System.arraycopy(src, literalsAt, dst, op, literals);
    op += literals;
    dst[op++] = (byte) distance;
    dst[op++] = (byte) (distance >>> 8);
    if (ml >= ML_MASK) {
      op = writeLength(ml - ML_MASK, dst, op);
    }
    return op;
  }

  private static int writeLastLiterals(byte[] src, int from, int literals, byte[] dst, int op) {
    dst[op++] = (byte) (Math.min(literals, RUN_MASK) << 4);
    if (literals >= RUN_MASK) {
      op = writeLength(literals - RUN_MASK, dst, op);
    }
    System.arraycopy(src, from, dst, op, literals);
    return op + literals;
  }

  private static int writeLength(int remaining, byte[] dst, int op) {
    while (remaining >= 255) {
      dst[op++] = (byte) 255;
      remaining -= 255;
    }
    dst[op++] = (byte) remaining;
    return op;
  }
}
