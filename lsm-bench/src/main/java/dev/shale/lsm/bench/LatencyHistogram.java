package dev.shale.lsm.bench;

/**
 * A log-bucketed latency histogram in nanoseconds: 16 linear sub-buckets per power of two, so a
 * reported percentile is within about 6% of the true value. Recording is a shift and an increment
 * (no allocation), cheap enough to time every operation. Not thread-safe: one per thread, merged at
 * the end.
 *
 * <p>HdrHistogram would add a dependency for precision a throughput comparison does not need.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private static final int BUCKETS = SUB + (64 - SUB_BITS) * SUB;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long max;

  /** Records one latency in nanoseconds (negative values count as zero). */
  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    if (v > max) {
      max = v;
    }
  }

  /** Adds every recording of {@code other} to this histogram. */
  void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long maxNanos() {
    return max;
  }

  /**
   * The latency at {@code quantile} (0..1) in nanoseconds: the middle of the bucket holding it, or
   * 0 when nothing was recorded.
   */
  long percentileNanos(double quantile) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, (lowerBound(i) + upperBound(i)) / 2);
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
    return SUB + (exponent - SUB_BITS) * SUB + sub;
  }

  static long lowerBound(int index) {
    if (index < SUB) {
      return index;
    }
    int exponent = (index - SUB) / SUB + SUB_BITS;
    int sub = (index - SUB) % SUB;
    return (long) (SUB + sub) << (exponent - SUB_BITS);
  }

  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int exponent = (index - SUB) / SUB + SUB_BITS;
    return lowerBound(index) + (1L << (exponent - SUB_BITS)) - 1;
  }
}
