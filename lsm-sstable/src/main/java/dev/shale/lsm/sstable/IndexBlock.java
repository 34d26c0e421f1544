package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.VarInts;
import java.util.Arrays;

/**
 * The index of a table, decoded at open into flat arrays so that the binary search of {@code get}
 * compares keys in place and allocates nothing. Entry {@code i} maps the separator (an internal
 * key: user key plus trailer, at or after the last entry of block {@code i} and before the first
 * entry of block {@code i + 1}) to the block's handle. Internal-key separators matter: the versions
 * of one user key may span several blocks. Immutable and thread-safe.
 *
 * <p>Block payload: {@code [count u32]} then per block {@code [user key length varint][user
 * key][trailer u64][block offset u64][block payload size u32]}.
 */
final class IndexBlock {
  private final byte[] keys;
  private final int[] keyStarts;
  private final long[] trailers;
  private final long[] offsets;
  private final int[] sizes;

  /** The length of the prefix every separator shares. */
  private final int commonLength;

  /**
   * The 8 bytes after the common prefix of each separator, big-endian and zero-padded: the binary
   * search compares these first, touching one array per step, and reads the keys only on a tie.
   * Differing prefixes order like the keys (a shorter key pads with zeros, which never sorts above
   * a real byte).
   */
  private final long[] prefixes;

  private IndexBlock(byte[] keys, int[] keyStarts, long[] trailers, long[] offsets, int[] sizes) {
    this.keys = keys;
    this.keyStarts = keyStarts;
    this.trailers = trailers;
    this.offsets = offsets;
    this.sizes = sizes;
    int last = offsets.length - 1;
    int firstLength = keyStarts[1] - keyStarts[0];
    int lastLength = keyStarts[last + 1] - keyStarts[last];
    int common =
        Arrays.mismatch(
            keys, keyStarts[0], keyStarts[1], keys, keyStarts[last], keyStarts[last + 1]);
    this.commonLength =
        common < 0 ? firstLength : Math.min(common, Math.min(firstLength, lastLength));
    this.prefixes = new long[offsets.length];
    for (int i = 0; i <= last; i++) {
      prefixes[i] = prefix(keys, keyStarts[i] + commonLength, keyStarts[i + 1]);
    }
  }

  /** Up to 8 bytes of {@code b[from..to)} as a big-endian long, zero-padded on the right. */
  private static long prefix(byte[] b, int from, int to) {
    if (to - from >= 8) {
      return BigEndian.getLong(b, from);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (from + i < to ? b[from + i] & 0xFF : 0);
    }
    return v;
  }

  /** Appends one entry to an index payload under construction (after its count). */
  static void writeEntry(
      ByteSink out, byte[] userKey, int keyLength, long trailer, long offset, int size) {
    out.writeVarInt(keyLength);
    out.write(userKey, 0, keyLength);
    out.writeLong(trailer);
    out.writeLong(offset);
    out.writeInt(size);
  }

  /**
   * Decodes an index payload and checks that its blocks tile {@code [dataStart, dataEnd)} of the
   * file exactly, each block followed by its trailer, and that separators strictly increase.
   *
   * @throws CorruptionException otherwise
   */
  static IndexBlock parse(
      byte[] payload, int length, String file, long fileOffset, long dataStart, long dataEnd) {
    if (length < 4) {
      throw new CorruptionException(file, fileOffset, "index block of " + length + " bytes");
    }
    int count = BigEndian.getInt(payload, 0);
    // each entry takes at least 1 + 8 + 8 + 4 bytes
    if (count < 1 || count > (length - 4) / 21) {
      throw new CorruptionException(
          file, fileOffset, "index of " + length + " bytes claims " + count + " blocks");
    }
    int[] keyStarts = new int[count + 1];
    long[] trailers = new long[count];
    long[] offsets = new long[count];
    int[] sizes = new int[count];
    ByteSink keys = new ByteSink(length);
    int p = 4;
    long expectedOffset = dataStart;
    try {
      for (int i = 0; i < count; i++) {
        long v = VarInts.read(payload, p, length);
        int keyLength = VarInts.value(v);
        p = VarInts.next(v);
        if (keyLength < 0 || (long) p + keyLength + 20 > length) {
          throw new CorruptionException(
              file, fileOffset, "index entry " + i + " runs past the end of the index");
        }
        keyStarts[i] = keys.size();
        keys.write(payload, p, keyLength);
        p += keyLength;
        trailers[i] = BigEndian.getLong(payload, p);
        offsets[i] = BigEndian.getLong(payload, p + 8);
        sizes[i] = BigEndian.getInt(payload, p + 16);
        p += 20;
        if (offsets[i] != expectedOffset
            || sizes[i] < 4
            || offsets[i] + sizes[i] + BlockCodec.TRAILER_BYTES > dataEnd) {
          throw new CorruptionException(
              file,
              fileOffset,
              "index entry "
                  + i
                  + " points at "
                  + offsets[i]
                  + " (+"
                  + sizes[i]
                  + "), expected a block at "
                  + expectedOffset
                  + " ending by "
                  + dataEnd);
        }
        expectedOffset = offsets[i] + sizes[i] + BlockCodec.TRAILER_BYTES;
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(file, fileOffset, "bad varint in index: " + e.getMessage(), e);
    }
    keyStarts[count] = keys.size();
    if (p != length || expectedOffset != dataEnd) {
      throw new CorruptionException(
          file,
          fileOffset,
          "index ends at "
              + p
              + " of "
              + length
              + " bytes and covers data up to "
              + expectedOffset
              + ", expected "
              + dataEnd);
    }
    IndexBlock index =
        new IndexBlock(
            Arrays.copyOf(keys.array(), keys.size()), keyStarts, trailers, offsets, sizes);
    for (int i = 1; i < count; i++) {
      if (index.compareSeparators(i - 1, i) >= 0) {
        throw new CorruptionException(
            file, fileOffset, "index separators " + (i - 1) + " and " + i + " are out of order");
      }
    }
    return index;
  }

  int count() {
    return offsets.length;
  }

  long offset(int block) {
    return offsets[block];
  }

  /** The stored payload size of a block, without its trailer. */
  int size(int block) {
    return sizes[block];
  }

  long trailer(int block) {
    return trailers[block];
  }

  byte[] separatorKey(int block) {
    return Arrays.copyOfRange(keys, keyStarts[block], keyStarts[block + 1]);
  }

  /**
   * The first block whose separator is at or after the internal key {@code (key, seekTrailer)}: the
   * only block that can hold the first entry at or after it; {@link #count()} when none.
   */
  int find(byte[] key, long seekTrailer) {
    byte[] k = keys;
    int n = offsets.length;
    int common = commonLength;
    if (common > 0) {
      int c =
          Arrays.compareUnsigned(
              k, keyStarts[0], keyStarts[0] + common, key, 0, Math.min(common, key.length));
      if (c != 0) {
        return c > 0 ? 0 : n; // below or above every separator
      }
      if (key.length < common) {
        return 0; // a proper prefix of every separator
      }
    }
    long keyPrefix = prefix(key, common, key.length);
    long[] p = prefixes;
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(p[mid], keyPrefix);
      if (c == 0) {
        int from = keyStarts[mid] + common;
        c =
            ByteRanges.compare(
                k, from, keyStarts[mid + 1] - from, key, common, key.length - common);
        if (c == 0) {
          c = Long.compareUnsigned(seekTrailer, trailers[mid]);
        }
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Compares separator {@code block} with the internal key {@code (key[0..keyLength), trailer)}.
   */
  int compareSeparator(int block, byte[] key, int keyLength, long trailer) {
    int c = Arrays.compareUnsigned(keys, keyStarts[block], keyStarts[block + 1], key, 0, keyLength);
    return c != 0 ? c : Long.compareUnsigned(trailer, trailers[block]);
  }

  private int compareSeparators(int a, int b) {
    int c =
        Arrays.compareUnsigned(
            keys, keyStarts[a], keyStarts[a + 1], keys, keyStarts[b], keyStarts[b + 1]);
    return c != 0 ? c : Long.compareUnsigned(trailers[b], trailers[a]);
  }
}
