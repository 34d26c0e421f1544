package dev.shale.lsm.bench;

import java.util.Properties;

/**
 * One timed phase, one row of the report.
 *
 * @param row the row name, e.g. "readrandom" or "fillsync-4"
 * @param ops operations completed
 * @param nanos wall-clock time of the phase
 * @param found reads that found their key (reads only; -1 otherwise)
 * @param p50Nanos median latency of one operation
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos slowest operation
 */
record PhaseResult(
    String row,
    long ops,
    long nanos,
    long found,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos) {

  static PhaseResult of(String row, long ops, long nanos, long found, LatencyHistogram h) {
    return new PhaseResult(
        row,
        ops,
        nanos,
        found,
        h.percentileNanos(0.50),
        h.percentileNanos(0.99),
        h.percentileNanos(0.999),
        h.maxNanos());
  }

  double opsPerSecond() {
    return nanos <= 0 ? 0 : ops * 1e9 / nanos;
  }

  void store(Properties p, String prefix) {
    p.setProperty(prefix + "row", row);
    p.setProperty(prefix + "ops", Long.toString(ops));
    p.setProperty(prefix + "nanos", Long.toString(nanos));
    p.setProperty(prefix + "found", Long.toString(found));
    p.setProperty(prefix + "p50", Long.toString(p50Nanos));
    p.setProperty(prefix + "p99", Long.toString(p99Nanos));
    p.setProperty(prefix + "p999", Long.toString(p999Nanos));
    p.setProperty(prefix + "max", Long.toString(maxNanos));
  }

  static PhaseResult load(Properties p, String prefix) {
    return new PhaseResult(
        p.getProperty(prefix + "row"),
        longOf(p, prefix + "ops"),
        longOf(p, prefix + "nanos"),
        longOf(p, prefix + "found"),
        longOf(p, prefix + "p50"),
        longOf(p, prefix + "p99"),
        longOf(p, prefix + "p999"),
        longOf(p, prefix + "max"));
  }

  static long longOf(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? -1 : Long.parseLong(v);
  }
}
