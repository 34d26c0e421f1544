package dev.shale.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.compaction.CompactionSimulator;
import java.util.Locale;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * db_bench-like workloads in the simulator, to cross-check the engine's figures later: 16-byte keys
 * with 100-byte values (116 bytes an entry), 64 MiB memtables, RocksDB's default options with 7
 * levels. {@code fillrandom} writes N random keys out of N into an empty tree; {@code overwrite}
 * loads N keys in order and then writes N random keys out of them. Write amplification counts
 * flushes and compactions over user bytes (no WAL); space amplification is total bytes over live
 * bytes at the end. The figures are published as report entries; the assertions are loose sanity
 * bounds, not targets.
 */
class SimulatedAmplificationTest {
  private static final long ENTRY_BYTES = 116;
  private static final long WRITES_PER_FLUSH = (64L << 20) / ENTRY_BYTES;

  private static CompactionStrategyProvider provider(String name) {
    return name.equals("leveled")
        ? new LeveledCompactionProvider()
        : new TieredCompactionProvider();
  }

  private static CompactionSimulator simulator(String strategy) {
    CompactionOptions options = CompactionOptions.defaults(7);
    return new CompactionSimulator(provider(strategy).create(options), 7, ENTRY_BYTES);
  }

  /** Writes {@code writes} random keys out of {@code keys}, one flush per memtable. */
  private static void writeRandom(CompactionSimulator sim, long keys, long writes) {
    for (long done = 0; done < writes; done += WRITES_PER_FLUSH) {
      sim.flushRandom(0, keys, Math.min(WRITES_PER_FLUSH, writes - done));
      sim.compactUntilQuiet(10_000);
    }
  }

  @ParameterizedTest(name = "{0} with {1} keys")
  @CsvSource({"leveled, 2000000", "tiered, 2000000", "leveled, 50000000", "tiered, 50000000"})
  void fillRandom(String strategy, long keys, TestReporter reporter) {
    CompactionSimulator sim = simulator(strategy);
    writeRandom(sim, keys, keys);
    report(reporter, "fillrandom", strategy, keys, sim.writeAmplification(), sim);
    assertTrue(sim.writeAmplification() >= 1 && sim.writeAmplification() < 30, sim.toString());
    assertTrue(sim.spaceOverLive() >= 1 && sim.spaceOverLive() < 4, sim.toString());
  }

  @ParameterizedTest(name = "{0} with {1} keys")
  @CsvSource({"leveled, 2000000", "tiered, 2000000", "leveled, 50000000", "tiered, 50000000"})
  void overwrite(String strategy, long keys, TestReporter reporter) {
    CompactionSimulator sim = simulator(strategy);
    for (long first = 0; first < keys; first += WRITES_PER_FLUSH) {
      sim.flushSequential(first, Math.min(WRITES_PER_FLUSH, keys - first));
      sim.compactUntilQuiet(10_000);
    }
    long userBefore = sim.userBytes();
    long writtenBefore = sim.writtenBytes();
    writeRandom(sim, keys, keys);
    double writeAmp =
        (double) (sim.writtenBytes() - writtenBefore) / (sim.userBytes() - userBefore);
    report(reporter, "overwrite", strategy, keys, writeAmp, sim);
    assertTrue(writeAmp >= 1 && writeAmp < 30, sim.toString());
    assertTrue(sim.spaceOverLive() >= 1 && sim.spaceOverLive() < 4, sim.toString());
  }

  private static void report(
      TestReporter reporter,
      String workload,
      String strategy,
      long keys,
      double writeAmp,
      CompactionSimulator sim) {
    reporter.publishEntry(
        workload + " " + strategy + " " + keys,
        String.format(
            Locale.ROOT,
            "write amplification %.2f, space amplification %.2f over live data (%.2f over the"
                + " last level), %d jobs (%d trivial moves), %s",
            writeAmp,
            sim.spaceOverLive(),
            sim.spaceAmplification(),
            sim.jobs(),
            sim.trivialMoves(),
            sim));
  }
}
