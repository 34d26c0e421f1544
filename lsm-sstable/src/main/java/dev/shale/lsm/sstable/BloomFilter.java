package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;

/**
 * A cache-local Bloom filter over user keys, the design of RocksDB's FastLocalBloom: each key's
 * probes all fall in one 64-byte line, so a query touches one cache line. The line comes from the
 * low 32 bits of the key's XXH64 hash, the probes from the high 32 bits (9 bits per probe, remixed
 * by a golden-ratio multiply). Immutable and thread-safe.
 *
 * <p>Block payload: {@code [kind u8 = 1][probes u8][lines u32][lines x 64 bytes]}.
 */
final class BloomFilter {
  static final int KIND_LOCAL_BLOOM_XXH64 = 1;
  static final int HEADER_BYTES = 6;
  static final int LINE_BYTES = 64;
  private static final int GOLDEN = 0x9e3779b9;

  private final byte[] bits;
  private final int offset;
  private final int lines;
  private final int probes;

  private BloomFilter(byte[] bits, int offset, int lines, int probes) {
    this.bits = bits;
    this.offset = offset;
    this.lines = lines;
    this.probes = probes;
  }

  /** The hash of a user key that the filter stores. */
  static long hash(byte[] key) {
    return XxHash64.hash(key, 0, key.length, 0);
  }

  /**
   * Probes per key for {@code bitsPerKey}, as RocksDB's FastLocalBloom chooses them (fewer than the
   * classic {@code ln 2 * bits} because of the cache-local layout).
   */
  static int probesFor(int bitsPerKey) {
    int millibits = bitsPerKey * 1000;
    if (millibits <= 2080) {
      return 1;
    } else if (millibits <= 3580) {
      return 2;
    } else if (millibits <= 5100) {
      return 3;
    } else if (millibits <= 6640) {
      return 4;
    } else if (millibits <= 8300) {
      return 5;
    } else if (millibits <= 10070) {
      return 6;
    } else if (millibits <= 11720) {
      return 7;
    } else if (millibits <= 14001) {
      return 8;
    } else if (millibits <= 16050) {
      return 9;
    } else if (millibits <= 18300) {
      return 10;
    } else if (millibits <= 22001) {
      return 11;
    } else if (millibits <= 25501) {
      return 12;
    } else if (millibits > 50000) {
      return 24;
    }
    return (millibits - 1) / 2000 - 1;
  }

  /** Encodes a filter block payload holding {@code count} key hashes. */
  static byte[] build(long[] hashes, int count, int bitsPerKey) {
    long totalBits = (long) Math.max(1, count) * bitsPerKey;
    long lineCount = Math.max(1, (totalBits + LINE_BYTES * 8 - 1) / (LINE_BYTES * 8));
    if (lineCount * LINE_BYTES > Integer.MAX_VALUE - HEADER_BYTES) {
      throw new IllegalArgumentException("filter of " + lineCount + " lines is too large");
    }
    int lines = (int) lineCount;
    int probes = probesFor(bitsPerKey);
    byte[] block = new byte[HEADER_BYTES + lines * LINE_BYTES];
    block[0] = KIND_LOCAL_BLOOM_XXH64;
    block[1] = (byte) probes;
    BigEndian.putInt(block, 2, lines);
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int base = HEADER_BYTES + lineOf(h, lines) * LINE_BYTES;
      int h2 = (int) (h >>> 32);
      for (int p = 0; p < probes; p++) {
        int bit = h2 >>> 23;
        block[base + (bit >>> 3)] |= (byte) (1 << (bit & 7));
        h2 *= GOLDEN;
      }
    }
    return block;
  }

  private static int lineOf(long hash, int lines) {
    return (int) (((hash & 0xFFFFFFFFL) * lines) >>> 32);
  }

  /**
   * Reads a filter block payload of {@code length} bytes at {@code offset} of {@code block}.
   *
   * @throws CorruptionException when the structure does not add up
   */
  static BloomFilter parse(byte[] block, int offset, int length, String file, long fileOffset) {
    if (length < HEADER_BYTES) {
      throw new CorruptionException(file, fileOffset, "filter block of " + length + " bytes");
    }
    int kind = block[offset] & 0xFF;
    if (kind != KIND_LOCAL_BLOOM_XXH64) {
      throw new CorruptionException(
          file, fileOffset, "unknown filter kind " + kind + ", expected " + KIND_LOCAL_BLOOM_XXH64);
    }
    int probes = block[offset + 1] & 0xFF;
    if (probes < 1 || probes > 30) {
      throw new CorruptionException(file, fileOffset, "filter probe count " + probes);
    }
    int lines = BigEndian.getInt(block, offset + 2);
    if (lines < 1 || (long) lines * LINE_BYTES != length - HEADER_BYTES) {
      throw new CorruptionException(
          file,
          fileOffset,
          "filter says "
              + lines
              + " lines but its block holds "
              + (length - HEADER_BYTES)
              + " bytes");
    }
    return new BloomFilter(block, offset + HEADER_BYTES, lines, probes);
  }

  /** False only when the key whose hash is {@code hash} was certainly not added. */
  boolean mayContain(long hash) {
    int base = offset + lineOf(hash, lines) * LINE_BYTES;
    int h2 = (int) (hash >>> 32);
    byte[] b = bits;
    for (int p = 0; p < probes; p++) {
      int bit = h2 >>> 23;
      if ((b[base + (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
      h2 *= GOLDEN;
    }
    return true;
  }
}
