package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.VarInts;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A decoded data block as the block cache holds it (format: {@link DataBlockBuilder}). Its
 * structure is validated once, when parsed, so lookups decode without bounds checks of their own
 * and a cached block is never re-parsed. Immutable and thread-safe.
 */
final class DataBlock implements CacheableBlock {
  /** Rough JVM overhead of this object and its array headers, counted in the cache weight. */
  private static final int OVERHEAD_BYTES = 64;

  private final byte[] data;
  private final int restartsStart;
  private final int restartCount;

  private DataBlock(byte[] data, int restartsStart, int restartCount) {
    this.data = data;
    this.restartsStart = restartsStart;
    this.restartCount = restartCount;
  }

  @Override
  public int sizeInBytes() {
    return data.length + OVERHEAD_BYTES;
  }

  byte[] data() {
    return data;
  }

  /** Where the entries end (the restart array starts). */
  int entriesEnd() {
    return restartsStart;
  }

  int restartOffset(int index) {
    return BigEndian.getInt(data, restartsStart + 4 * index);
  }

  /**
   * Decodes and validates a block held in {@code data[0..length)}: every length fits, every restart
   * points at an entry with no shared prefix, every shared prefix exists and every kind code is
   * known.
   *
   * @throws CorruptionException for anything else
   */
  static DataBlock parse(byte[] data, int length, String file, long fileOffset) {
    if (length < 4 || length > data.length) {
      throw new CorruptionException(file, fileOffset, "data block of " + length + " bytes");
    }
    int restartCount = BigEndian.getInt(data, length - 4);
    if (restartCount < 1 || restartCount > (length - 4) / 4) {
      throw new CorruptionException(
          file,
          fileOffset,
          "data block of " + length + " bytes claims " + restartCount + " restart points");
    }
    int restartsStart = length - 4 - 4 * restartCount;
    int nextRestart = 0;
    int restartAt = BigEndian.getInt(data, restartsStart);
    if (restartAt != 0) {
      throw new CorruptionException(
          file, fileOffset, "first restart point is " + restartAt + ", expected 0");
    }
    int p = 0;
    int previousKeyLength = 0;
    int entries = 0;
    try {
      while (p < restartsStart) {
        boolean restart = false;
        if (nextRestart < restartCount) {
          int r = BigEndian.getInt(data, restartsStart + 4 * nextRestart);
          if (r == p) {
            restart = true;
            nextRestart++;
          } else if (r < p) {
            throw new CorruptionException(
                file, fileOffset, "restart point " + r + " is not at an entry boundary");
          }
        }
        if (restart && data[p] != 0) {
          throw new CorruptionException(
              file, fileOffset, "entry at restart point " + p + " shares a key prefix");
        }
        long v = VarInts.read(data, p, restartsStart);
        int shared = VarInts.value(v);
        v = VarInts.read(data, VarInts.next(v), restartsStart);
        int unshared = VarInts.value(v);
        v = VarInts.read(data, VarInts.next(v), restartsStart);
        int valueLength = VarInts.value(v);
        int q = VarInts.next(v);
        if (shared < 0 || shared > previousKeyLength || unshared < 0 || valueLength < 0) {
          throw new CorruptionException(
              file,
              fileOffset,
              "entry at "
                  + p
                  + " has shared "
                  + shared
                  + " (previous key "
                  + previousKeyLength
                  + "), unshared "
                  + unshared
                  + ", value length "
                  + valueLength);
        }
        long end = (long) q + unshared + 8 + valueLength;
        if (end > restartsStart || (long) shared + unshared > Integer.MAX_VALUE - 16) {
          throw new CorruptionException(
              file, fileOffset, "entry at " + p + " runs past the end of its block");
        }
        int kind = data[q + unshared + 7] & 0xFF;
        if (kind != EntryKind.PUT.code() && kind != EntryKind.DELETE.code()) {
          throw new CorruptionException(
              file, fileOffset, "entry at " + p + " has unknown kind code " + kind);
        }
        previousKeyLength = shared + unshared;
        p = (int) end;
        entries++;
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(file, fileOffset, "bad varint: " + e.getMessage(), e);
    }
    if (nextRestart != restartCount) {
      throw new CorruptionException(
          file,
          fileOffset,
          "restart point " + nextRestart + " of " + restartCount + " is not at an entry boundary");
    }
    if (entries == 0) {
      throw new CorruptionException(file, fileOffset, "data block holds no entry");
    }
    return new DataBlock(data, restartsStart, restartCount);
  }

  /** Reads a varint of validated data: {@code (value << 32) | next offset}. */
  static long varint(byte[] d, int p) {
    int b = d[p];
    if (b >= 0) {
      return ((long) b << 32) | (p + 1);
    }
    int result = b & 0x7F;
    int shift = 7;
    int pos = p + 1;
    while (true) {
      b = d[pos++];
      result |= (b & 0x7F) << shift;
      if (b >= 0) {
        return ((long) result << 32) | pos;
      }
      shift += 7;
    }
  }

  /**
   * The index of the last restart point whose entry is before the internal key {@code (key,
   * seekTrailer)}, or 0: where a forward scan for that key starts. Compares in place, copying
   * nothing.
   */
  int seekRestart(byte[] key, long seekTrailer) {
    int lo = 0;
    int hi = restartCount - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (restartKeyBefore(mid, key, seekTrailer)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private boolean restartKeyBefore(int restart, byte[] key, long seekTrailer) {
    int p = restartOffset(restart) + 1; // the shared length of a restart entry is one zero byte
    long v = varint(data, p);
    int unshared = (int) (v >>> 32);
    v = varint(data, (int) v); // skip the value length
    int q = (int) v;
    int c = ByteRanges.compare(data, q, unshared, key, 0, key.length);
    if (c != 0) {
      return c < 0;
    }
    return Long.compareUnsigned(BigEndian.getLong(data, q + unshared), seekTrailer) > 0;
  }

  /**
   * The first entry at or after the internal key {@code (key, seekTrailer)} if it has user key
   * {@code key}, else null. Allocation-free until the answer: each entry's user key is compared
   * through its unshared bytes only, knowing how the previous key compared (a key sharing more with
   * its predecessor than the predecessor shared with {@code key} compares the same way).
   */
  @Nullable LookupResult get(byte[] key, long seekTrailer) {
    byte[] d = data;
    int p = restartOffset(seekRestart(key, seekTrailer));
    int end = restartsStart;
    int previousMatch = 0;
    int previousCmp = 0;
    while (p < end) {
      long v = varint(d, p);
      int shared = (int) (v >>> 32);
      v = varint(d, (int) v);
      int unshared = (int) (v >>> 32);
      v = varint(d, (int) v);
      int valueLength = (int) (v >>> 32);
      int keyStart = (int) v;
      int match;
      int cmp;
      if (shared <= previousMatch) {
        int m = ByteRanges.mismatch(d, keyStart, unshared, key, shared, key.length - shared);
        if (m < 0) {
          match = key.length;
          cmp = 0;
        } else {
          match = shared + m;
          if (m == unshared) {
            cmp = -1;
          } else if (match == key.length) {
            cmp = 1;
          } else {
            cmp = (d[keyStart + m] & 0xFF) - (key[match] & 0xFF);
          }
        }
      } else {
        match = previousMatch;
        cmp = previousCmp;
      }
      int trailerAt = keyStart + unshared;
      if (cmp > 0) {
        return null;
      }
      if (cmp == 0) {
        long trailer = BigEndian.getLong(d, trailerAt);
        if (Long.compareUnsigned(trailer, seekTrailer) <= 0) {
          long sequence = trailer >>> 8;
          if ((trailer & 0xFF) == EntryKind.DELETE.code()) {
            return LookupResult.tombstone(sequence);
          }
          int valueStart = trailerAt + 8;
          return new LookupResult(
              EntryKind.PUT, sequence, Arrays.copyOfRange(d, valueStart, valueStart + valueLength));
        }
      }
      previousMatch = match;
      previousCmp = cmp;
      p = trailerAt + 8 + valueLength;
    }
    return null;
  }
}
