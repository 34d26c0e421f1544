package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Deliberately broken compaction strategies, wrapping a working one, to show that {@link
 * CompactionStrategyConformanceTest} catches each mistake. Each wrapper keeps the delegate's
 * estimates and bounds and changes only the jobs it picks. Stateless and thread-safe when the
 * delegate is.
 */
public final class BrokenCompactionStrategies {
  private BrokenCompactionStrategies() {}

  /** Decides as if nothing were running: its jobs reuse files already being compacted. */
  public static CompactionStrategyProvider picksCompactingFiles(
      CompactionStrategyProvider delegate) {
    return wrap(
        delegate,
        "picks-compacting-files",
        (strategy, tree) -> strategy.pickJob(new TreeShape(tree.levels(), Set.of(), List.of())));
  }

  /** Sends every job's output one level shallower than the delegate chose (level 0 stays 0). */
  public static CompactionStrategyProvider tooShallowOutput(CompactionStrategyProvider delegate) {
    return wrap(
        delegate,
        "too-shallow-output",
        (strategy, tree) ->
            strategy
                .pickJob(tree)
                .map(
                    job ->
                        new CompactionJob(
                            job.inputs(),
                            Math.max(0, job.outputLevel() - 1),
                            job.targetFileBytes(),
                            job.reason())));
  }

  /**
   * Leaves the oldest level-0 input out of every job that takes two or more level-0 files, so an
   * older overlapping file stays above the newer data merged below it.
   */
  public static CompactionStrategyProvider ignoresOlderLevel0Files(
      CompactionStrategyProvider delegate) {
    return wrap(
        delegate,
        "ignores-older-level0-files",
        (strategy, tree) -> strategy.pickJob(tree).map(BrokenCompactionStrategies::dropOldestL0));
  }

  /** Never picks a job. */
  public static CompactionStrategyProvider neverCompacts(CompactionStrategyProvider delegate) {
    return wrap(delegate, "never-compacts", (strategy, tree) -> Optional.empty());
  }

  private static CompactionJob dropOldestL0(CompactionJob job) {
    CompactionJob.LevelInputs first = job.inputs().get(0);
    if (first.level() != 0 || first.fileIds().size() < 2) {
      return job;
    }
    List<CompactionJob.LevelInputs> inputs = new ArrayList<>(job.inputs());
    inputs.set(
        0,
        new CompactionJob.LevelInputs(0, first.fileIds().subList(0, first.fileIds().size() - 1)));
    return new CompactionJob(inputs, job.outputLevel(), job.targetFileBytes(), job.reason());
  }

  private static CompactionStrategyProvider wrap(
      CompactionStrategyProvider delegate,
      String defect,
      BiFunction<CompactionStrategy, TreeShape, Optional<CompactionJob>> pick) {
    String name = delegate.name() + "." + defect;
    return new CompactionStrategyProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompactionStrategy create(CompactionOptions options) {
        CompactionStrategy strategy = delegate.create(options);
        return new CompactionStrategy() {
          @Override
          public Optional<CompactionJob> pickJob(TreeShape tree) {
            return pick.apply(strategy, tree);
          }

          @Override
          public long pendingCompactionBytes(TreeShape tree) {
            return strategy.pendingCompactionBytes(tree);
          }

          @Override
          public long[] levelTargetBytes(TreeShape tree) {
            return strategy.levelTargetBytes(tree);
          }

          @Override
          public StrategyBounds bounds() {
            return strategy.bounds();
          }
        };
      }
    };
  }
}
