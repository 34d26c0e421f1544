package dev.shale.lsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Property
  void everyValueFallsInABucketThatHoldsIt(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long v) {
    int i = LatencyHistogram.index(v);
    assertTrue(LatencyHistogram.lowerBound(i) <= v, "lower bound of " + v);
    assertTrue(v <= LatencyHistogram.upperBound(i), "upper bound of " + v);
  }

  @Property
  void bucketsAreWithinSevenPercent(@ForAll @LongRange(min = 16, max = Long.MAX_VALUE / 2) long v) {
    int i = LatencyHistogram.index(v);
    double width = LatencyHistogram.upperBound(i) - LatencyHistogram.lowerBound(i) + 1;
    assertTrue(width / LatencyHistogram.lowerBound(i) <= 1.0 / 16 + 1e-9, "bucket of " + v);
  }

  @Test
  void percentilesOfAUniformSpreadAreClose() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    for (int v = 1; v <= 10_000; v++) {
      (v % 2 == 0 ? a : b).record(v * 1000L);
    }
    a.add(b);
    assertEquals(10_000, a.count());
    assertEquals(10_000_000L, a.maxNanos());
    assertClose(5_000_000, a.percentileNanos(0.5));
    assertClose(9_900_000, a.percentileNanos(0.99));
    assertClose(9_990_000, a.percentileNanos(0.999));
  }

  @Test
  void anEmptyHistogramReportsZero() {
    assertEquals(0, new LatencyHistogram().percentileNanos(0.99));
  }

  private static void assertClose(long expected, long actual) {
    assertTrue(Math.abs(actual - expected) <= expected * 0.07, expected + " vs " + actual);
  }
}
