package dev.shale.lsm.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The keys and values of a run, as db_bench makes them: key {@code i} is its 8-byte big-endian
 * number padded with zero bytes to the key size, so key order is number order; a missing key is an
 * existing key with its last byte set to 1, so it falls between two present keys and only a filter
 * (not the key range) can rule it out. Values are half random, half a repeat of that half, so they
 * compress about 2:1 like db_bench's default {@code --compression_ratio=0.5}.
 */
final class KeySpace {
  private static final int VALUE_POOL = 1024;

  private final int keySize;
  private final int valueSize;
  private final byte[][] values;

  KeySpace(int keySize, int valueSize, long seed) {
    if (keySize < 9) {
      throw new IllegalArgumentException("key size must be at least 9 bytes, was " + keySize);
    }
    this.keySize = keySize;
    this.valueSize = valueSize;
    SplittableRandom random = new SplittableRandom(seed);
    values = new byte[VALUE_POOL][];
    for (int i = 0; i < VALUE_POOL; i++) {
      byte[] v = new byte[valueSize];
      int half = (valueSize + 1) / 2;
      for (int j = 0; j < half; j++) {
        v[j] = (byte) (' ' + random.nextInt(95));
      }
      for (int j = half; j < valueSize; j++) {
        v[j] = v[j - half];
      }
      values[i] = v;
    }
  }

  int keySize() {
    return keySize;
  }

  int valueSize() {
    return valueSize;
  }

  /** A new key buffer for {@link #fill}. */
  byte[] newKey() {
    return new byte[keySize];
  }

  /** Writes key number {@code n} into {@code key}; returns it. */
  byte[] fill(byte[] key, long n) {
    for (int i = 0; i < 8; i++) {
      key[i] = (byte) (n >>> (56 - 8 * i));
    }
    Arrays.fill(key, 8, keySize, (byte) 0);
    return key;
  }

  /** Writes the missing key next to number {@code n} into {@code key}; returns it. */
  byte[] fillMissing(byte[] key, long n) {
    fill(key, n);
    key[keySize - 1] = 1;
    return key;
  }

  /** A value for operation {@code op}; shared and never modified (both engines copy it). */
  byte[] value(long op) {
    return values[(int) (op & (VALUE_POOL - 1))];
  }

  /** The numbers {@code 0..n-1} in a random order (each once). */
  static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
