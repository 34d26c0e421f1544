package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Our LZ4 compressor's blocks decode, with lz4-java's checking decompressor, to the input. */
class Lz4BlockCompressorTest {
  private static final LZ4SafeDecompressor DECOMPRESSOR =
      LZ4Factory.safeInstance().safeDecompressor();

  /** Shared across tries on purpose: the table carries stale entries from call to call. */
  private final Lz4BlockCompressor compressor = new Lz4BlockCompressor();

  @Property(tries = 400)
  void roundTripsWhateverTheInputAndItsOffset(
      @ForAll @IntRange(min = 0, max = 9000) int length,
      @ForAll @IntRange(min = 0, max = 3) int alphabetBits,
      @ForAll @IntRange(min = 0, max = 40) int srcOffset,
      @ForAll @IntRange(min = 0, max = 7) int dstOffset,
      @ForAll long seed) {
    byte[] input = input(length, alphabetBits, seed);
    byte[] src = new byte[srcOffset + length + 5];
    System.arraycopy(input, 0, src, srcOffset, length);
    assertRoundTrip(input, src, srcOffset, dstOffset);
  }

  @Test
  void matchesFartherThanTheWindowAreNotUsedAndLongRunsEncode() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] chunk = new byte[1000];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) random.nextInt();
    }
    byte[] input = new byte[200_000];
    for (int at = 0; at + chunk.length <= input.length; at += 70_000) {
      System.arraycopy(chunk, 0, input, at, chunk.length); // repeats 70 000 bytes apart
    }
    for (int i = 150_000; i < 160_000; i++) {
      input[i] = 'x'; // a run far longer than 15 + 255
    }
    assertRoundTrip(input, input, 0, 0);
  }

  @Test
  void compressesRepetitiveDataAndKeepsTinyInputsLiteral() {
    byte[] zeros = new byte[4096];
    int n = compressor.compress(zeros, 0, zeros.length, new byte[5000], 0);
    assertTrue(n < 64, "4 KiB of zeros took " + n + " bytes");
    for (int length = 0; length < 14; length++) {
      assertRoundTrip(input(length, 0, length), input(length, 0, length), 0, 0);
    }
  }

  private void assertRoundTrip(byte[] input, byte[] src, int srcOffset, int dstOffset) {
    int length = input.length;
    byte[] dst = new byte[dstOffset + Lz4BlockCompressor.maxCompressedLength(length)];
    int n = compressor.compress(src, srcOffset, length, dst, dstOffset);
    assertTrue(n <= Lz4BlockCompressor.maxCompressedLength(length));
    byte[] out = new byte[length];
    int decoded = DECOMPRESSOR.decompress(dst, dstOffset, n, out, 0, length);
    assertEquals(length, decoded);
    assertArrayEquals(input, out);
    assertEquals(
        length,
        DECOMPRESSOR.decompress(
            Arrays.copyOfRange(dst, dstOffset, dstOffset + n), new byte[length + 64]));
  }

  /** Bytes from an alphabet of 2^bits symbols (0 = all the same) or, for 3, db_bench-like text. */
  private static byte[] input(int length, int alphabetBits, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] =
          switch (alphabetBits) {
            case 0 -> 'a';
            case 1 -> (byte) ('a' + random.nextInt(2));
            case 2 -> (byte) random.nextInt(256);
            default ->
                i >= 16 && random.nextBoolean()
                    ? b[i - 1 - random.nextInt(16)]
                    : (byte) random.nextInt(95);
          };
    }
    return b;
  }
}
