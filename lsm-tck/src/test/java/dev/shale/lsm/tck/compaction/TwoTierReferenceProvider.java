package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.KeyOrder;
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

/**
 * A two-tier compaction strategy written from the SPI's Javadoc alone, the way a plugin author
 * would: level-0 files merge into level 1 once there are {@code level0CompactionTrigger} of them,
 * and the levels between 1 and the last merge into the last once they hold a quarter of its bytes
 * (or at once when a level other than 1 is in use, as in a tree shaped by another strategy). The
 * kit's own build runs the suite and the broken wrappers of {@link BrokenCompactionStrategies}
 * against it.
 */
final class TwoTierReferenceProvider implements CompactionStrategyProvider {

  @Override
  public String name() {
    return "reference-two-tier";
  }

  @Override
  public CompactionStrategy create(CompactionOptions options) {
    return new TwoTier(options);
  }

  private record TwoTier(CompactionOptions options) implements CompactionStrategy {

    @Override
    public Optional<CompactionJob> pickJob(TreeShape tree) {
      if (!tree.compactingFiles().isEmpty() || !tree.runningJobs().isEmpty()) {
        return Optional.empty(); // one job at a time keeps every pick trivially valid
      }
      return pick(tree);
    }

    private Optional<CompactionJob> pick(TreeShape tree) {
      int last = tree.numLevels() - 1;
      if (last == 0) {
        return Optional.empty();
      }
      List<FileShape> level0 = tree.level(0).files();
      if (level0.size() >= Math.max(1, options.level0CompactionTrigger())) {
        return Optional.of(merge(tree, 0, 1, "level 0 reached its trigger"));
      }
      long middle = 0;
      int shallowestMiddle = -1;
      boolean deepMiddle = false;
      for (int level = 1; level < last; level++) {
        if (!tree.level(level).isEmpty()) {
          middle += tree.level(level).sizeBytes();
          shallowestMiddle = shallowestMiddle < 0 ? level : shallowestMiddle;
          deepMiddle |= level > 1;
        }
      }
      if (shallowestMiddle > 0 && (deepMiddle || 4 * middle >= tree.level(last).sizeBytes())) {
        return Optional.of(wholeLevels(tree, shallowestMiddle, last, "middle tier is due"));
      }
      return Optional.empty();
    }

    /** Every file of levels {@code from} to {@code output}: valid whatever their ranges. */
    private CompactionJob wholeLevels(TreeShape tree, int from, int output, String reason) {
      List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
      for (int level = from; level <= output; level++) {
        if (!tree.level(level).isEmpty()) {
          inputs.add(
              new CompactionJob.LevelInputs(
                  level, tree.level(level).files().stream().map(FileShape::fileId).toList()));
        }
      }
      return new CompactionJob(inputs, output, options.targetFileBytes(), reason);
    }

    /**
     * Every file of {@code from}, and every file of {@code output}, the next level, that overlaps
     * them (those cannot widen the range to more files: a level's files do not overlap).
     */
    private CompactionJob merge(TreeShape tree, int from, int output, String reason) {
      List<FileShape> first = tree.level(from).files();
      byte[] lo = first.get(0).smallestKey();
      byte[] hi = first.get(0).largestKey();
      for (FileShape f : first) {
        lo = KeyOrder.compareKeys(f.smallestKey(), lo) < 0 ? f.smallestKey() : lo;
        hi = KeyOrder.compareKeys(f.largestKey(), hi) > 0 ? f.largestKey() : hi;
      }
      List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
      inputs.add(
          new CompactionJob.LevelInputs(from, first.stream().map(FileShape::fileId).toList()));
      List<Long> overlapping = new ArrayList<>();
      for (FileShape f : tree.level(output).files()) {
        if (KeyOrder.compareKeys(f.smallestKey(), hi) <= 0
            && KeyOrder.compareKeys(lo, f.largestKey()) <= 0) {
          overlapping.add(f.fileId());
        }
      }
      if (!overlapping.isEmpty()) {
        inputs.add(new CompactionJob.LevelInputs(output, overlapping));
      }
      return new CompactionJob(inputs, output, options.targetFileBytes(), reason);
    }

    @Override
    public long pendingCompactionBytes(TreeShape tree) {
      Optional<CompactionJob> job = pick(tree);
      if (job.isEmpty()) {
        return 0;
      }
      List<Long> ids = job.get().inputFileIds();
      long bytes = 0;
      for (int level = 0; level < tree.numLevels(); level++) {
        for (FileShape f : tree.level(level).files()) {
          if (ids.contains(f.fileId())) {
            bytes += Math.max(1, f.sizeBytes());
          }
        }
      }
      return bytes;
    }

    @Override
    public long[] levelTargetBytes(TreeShape tree) {
      return new long[tree.numLevels()];
    }

    @Override
    public StrategyBounds bounds() {
      int trigger = Math.max(1, options.level0CompactionTrigger());
      return new StrategyBounds(trigger - 1, trigger + 1, 1.5);
    }
  }
}
