package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Measures the filter's false-positive rate at 10 bits per key over a million keys. */
class BloomFalsePositiveRateTest {
  private static final int KEYS = 1_000_000;

  /** {@code prefix} followed by {@code i} as 12 decimal digits, as db_bench-style keys look. */
  private static byte[] key(String prefix, int i) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] k = new byte[p.length + 12];
    System.arraycopy(p, 0, k, 0, p.length);
    int v = i;
    for (int d = k.length - 1; d >= p.length; d--) {
      k[d] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return k;
  }

  @Test
  void falsePositiveRateAtTenBitsPerKeyIsAboutOnePercent() {
    long[] hashes = new long[KEYS];
    for (int i = 0; i < KEYS; i++) {
      hashes[i] = BloomFilter.hash(key("user", i));
    }
    byte[] block = BloomFilter.build(hashes, KEYS, 10);
    BloomFilter filter = BloomFilter.parse(block, 0, block.length, "mem", 0);
    for (int i = 0; i < KEYS; i++) {
      assertTrue(filter.mayContain(hashes[i]), "no false negatives");
    }
    int falsePositives = 0;
    for (int i = 0; i < KEYS; i++) {
      if (filter.mayContain(BloomFilter.hash(key("absent", i)))) {
        falsePositives++;
      }
    }
    double rate = (double) falsePositives / KEYS;
    System.out.printf(
        "bloom filter: %d keys, 10 bits/key, %d probes, %d bytes: false-positive rate %.4f%%%n",
        KEYS, BloomFilter.probesFor(10), block.length, rate * 100);
    assertTrue(rate < 0.02, "false-positive rate " + rate);
    assertTrue(rate > 0.001, "a rate this low means the measurement is broken: " + rate);
  }
}
