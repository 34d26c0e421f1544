package dev.shale.lsm.bench.jmh;

/** Key and value bytes for the microbenchmarks: 16-byte keys, 100-byte values, as db_bench. */
final class Keys {
  static final int KEY = 16;
  static final int VALUE = 100;

  private Keys() {}

  /** Key number {@code n}: 8 bytes big-endian then zeros, so numeric order is key order. */
  static byte[] key(long n) {
    byte[] k = new byte[KEY];
    put(k, 0, n);
    return k;
  }

  /** A key between {@code key(n)} and {@code key(n + 1)}, present in no table. */
  static byte[] missing(long n) {
    byte[] k = key(n);
    k[KEY - 1] = 1;
    return k;
  }

  static byte[] value(long n) {
    byte[] v = new byte[VALUE];
    for (int i = 0; i < VALUE; i++) {
      v[i] = (byte) ('a' + (n + i) % 26);
    }
    return v;
  }

  static void put(byte[] dst, int offset, long n) {
    for (int i = 0; i < 8; i++) {
      dst[offset + i] = (byte) (n >>> (56 - 8 * i));
    }
  }

  /** A bijective scramble of {@code n}, so consecutive numbers give keys in random order. */
  static long scramble(long n) {
    long x = n * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
