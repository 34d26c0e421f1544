package dev.shale.lsm.assembly;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.Optional;

/**
 * A compaction strategy that never picks a job, for tests that need "no compaction": no such
 * provider is installed, and high triggers on "leveled" would still compact by level-0 bytes.
 * Manual {@code compactRange} still works (the engine forms that job itself). Pair it with high
 * level-0 slowdown and stop triggers, or writers stall on the growing level 0.
 */
final class NoCompaction implements CompactionStrategyProvider {
  @Override
  public String name() {
    return "none";
  }

  @Override
  public CompactionStrategy create(CompactionOptions options) {
    return new CompactionStrategy() {
      @Override
      public Optional<CompactionJob> pickJob(TreeShape tree) {
        return Optional.empty();
      }

      @Override
      public long pendingCompactionBytes(TreeShape tree) {
        return 0;
      }

      @Override
      public long[] levelTargetBytes(TreeShape tree) {
        return new long[tree.numLevels()];
      }

      @Override
      public StrategyBounds bounds() {
        return new StrategyBounds(0, 0, 0);
      }
    };
  }
}
