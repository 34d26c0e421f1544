package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToLongBiFunction;

/**
 * Deliberately broken compaction strategies, wrapping a working one, to show that {@link
 * CompactionStrategyConformanceTest} catches each mistake. Each wrapper keeps the delegate's bounds
 * and changes one thing: the jobs it picks, or its pending-bytes estimate. Stateless and
 * thread-safe when the delegate is.
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

  /**
   * Picks the delegate's jobs but reports no pending compaction bytes, which silently disables the
   * engine's stalls on compaction debt.
   */
  public static CompactionStrategyProvider reportsNoPendingBytes(
      CompactionStrategyProvider delegate) {
    return wrap(
        delegate, "reports-no-pending-bytes", CompactionStrategy::pickJob, (strategy, tree) -> 0L);
  }

  /**
   * Never settles: when the delegate is done, it rewrites a file in place (the oldest level-0 file,
   * else the first file of the deepest non-empty level), a valid job that changes nothing, so a
   * caller that compacts until no job is picked never stops.
   */
  public static CompactionStrategyProvider neverSettles(CompactionStrategyProvider delegate) {
    return wrap(
        delegate,
        "never-settles",
        (strategy, tree) -> strategy.pickJob(tree).or(() -> rewriteInPlace(tree)));
  }

  private static Optional<CompactionJob> rewriteInPlace(TreeShape tree) {
    if (!tree.runningJobs().isEmpty() || !tree.compactingFiles().isEmpty()) {
      return Optional.empty();
    }
    List<FileShape> level0 = tree.level(0).files();
    if (!level0.isEmpty()) {
      long oldest = level0.get(level0.size() - 1).fileId();
      return Optional.of(
          new CompactionJob(
              List.of(new CompactionJob.LevelInputs(0, List.of(oldest))), 0, 64L << 20, "again"));
    }
    for (int level = tree.numLevels() - 1; level > 0; level--) {
      List<FileShape> files = tree.level(level).files();
      if (!files.isEmpty()) {
        return Optional.of(
            new CompactionJob(
                List.of(new CompactionJob.LevelInputs(level, List.of(files.get(0).fileId()))),
                level,
                64L << 20,
                "again"));
      }
    }
    return Optional.empty();
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
    return wrap(delegate, defect, pick, CompactionStrategy::pendingCompactionBytes);
  }

  private static CompactionStrategyProvider wrap(
      CompactionStrategyProvider delegate,
      String defect,
      BiFunction<CompactionStrategy, TreeShape, Optional<CompactionJob>> pick,
      ToLongBiFunction<CompactionStrategy, TreeShape> pending) {
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
            return pending.applyAsLong(strategy, tree);
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
