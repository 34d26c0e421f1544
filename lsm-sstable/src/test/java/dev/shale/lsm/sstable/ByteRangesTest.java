package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The word-at-a-time comparisons agree with {@link Arrays} on every range. */
class ByteRangesTest {

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF)
        .array(byte[].class)
        .ofMaxSize(40);
  }

  @Property(tries = 2000)
  void agreesWithArrays(
      @ForAll("keys") byte[] a,
      @ForAll("keys") byte[] b,
      @ForAll @IntRange(max = 3) int aSkip,
      @ForAll @IntRange(max = 3) int bSkip) {
    int aFrom = Math.min(aSkip, a.length);
    int bFrom = Math.min(bSkip, b.length);
    assertEquals(
        Arrays.mismatch(a, aFrom, a.length, b, bFrom, b.length),
        ByteRanges.mismatch(a, aFrom, a.length - aFrom, b, bFrom, b.length - bFrom));
    assertEquals(
        Integer.signum(Arrays.compareUnsigned(a, aFrom, a.length, b, bFrom, b.length)),
        Integer.signum(ByteRanges.compare(a, aFrom, a.length - aFrom, b, bFrom, b.length - bFrom)));
  }
}
