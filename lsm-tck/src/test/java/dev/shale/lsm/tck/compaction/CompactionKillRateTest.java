package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.KillRate;
import dev.shale.lsm.tck.KillRate.Seeded;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compaction suite's kill rate against the seeded bugs of {@link BrokenCompactionStrategies},
 * and the suite run on a strategy that drops files ({@link FifoTestStrategy}).
 */
class CompactionKillRateTest {

  @Test
  void everySeededBugIsCaught() {
    KillRate.measure(
        "compaction",
        Reference.class,
        List.of(
            new Seeded(
                "picks-compacting-files",
                PicksCompactingFiles.class,
                "parallelPicksFollowTheRules"),
            new Seeded("too-shallow-output", TooShallowOutput.class, "pickedJobsFollowTheRules"),
            new Seeded(
                "ignores-older-level0-files",
                IgnoresOlderLevel0Files.class,
                "pickedJobsFollowTheRules"),
            new Seeded("never-compacts", NeverCompacts.class, "fillRandomStaysWithinBounds"),
            new Seeded(
                "reports-no-pending-bytes",
                ReportsNoPendingBytes.class,
                "pendingBytesAgreeWithThePicks"),
            new Seeded(
                "never-settles",
                NeverSettles.class,
                "fillRandomStaysWithinBounds",
                "overwriteStaysWithinBounds")));
  }

  @Test
  void aStrategyThatDropsFilesPasses() {
    KillRate.measure("compaction (drop jobs)", Fifo.class, List.of());
  }

  static class Reference extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return new TwoTierReferenceProvider();
    }
  }

  static class Fifo extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return new FifoTestStrategy(1L << 30);
    }
  }

  static class PicksCompactingFiles extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.picksCompactingFiles(new TwoTierReferenceProvider());
    }
  }

  static class TooShallowOutput extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.tooShallowOutput(new TwoTierReferenceProvider());
    }
  }

  static class IgnoresOlderLevel0Files extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.ignoresOlderLevel0Files(new TwoTierReferenceProvider());
    }
  }

  static class NeverCompacts extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.neverCompacts(new TwoTierReferenceProvider());
    }
  }

  static class ReportsNoPendingBytes extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.reportsNoPendingBytes(new TwoTierReferenceProvider());
    }
  }

  static class NeverSettles extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.neverSettles(new TwoTierReferenceProvider());
    }
  }
}
