package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * RocksDB universal-style (size-tiered) compaction; see {@link TieredCompactionProvider} for the
 * behaviour. Every decision is recomputed from the tree: the strategy holds nothing but its
 * options.
 */
final class TieredCompaction implements CompactionStrategy {
  private final CompactionOptions options;
  private final int trigger;

  TieredCompaction(CompactionOptions options) {
    if (options.numLevels() < 1) {
      throw new IllegalArgumentException(
          "tiered compaction needs at least 1 level, got numLevels=" + options.numLevels());
    }
    if (options.level0CompactionTrigger() < 1) {
      throw new IllegalArgumentException(
          "level0CompactionTrigger must be at least 1, got " + options.level0CompactionTrigger());
    }
    if (options.targetFileBytes() <= 0) {
      throw new IllegalArgumentException(
          "targetFileBytes must be positive, got " + options.targetFileBytes());
    }
    if (options.maxSizeAmplificationPercent() < 0) {
      throw new IllegalArgumentException(
          "maxSizeAmplificationPercent must not be negative, got "
              + options.maxSizeAmplificationPercent());
    }
    if (options.sizeRatioPercent() < 0) {
      throw new IllegalArgumentException(
          "sizeRatioPercent must not be negative, got " + options.sizeRatioPercent());
    }
    this.options = options;
    // One run is always "at the trigger"; merging it into one run again would never end.
    this.trigger = Math.max(2, options.level0CompactionTrigger());
  }

  /**
   * One sorted run: a level-0 file, or a whole level {@code >= 1}.
   *
   * @param level its level
   * @param files its files, in the level's order
   * @param bytes their total size
   * @param compacting whether any of its files is an input of a running job
   */
  record Run(int level, List<FileShape> files, long bytes, boolean compacting) {}

  /** The sorted runs, newest first: level-0 files, then each non-empty level. */
  static List<Run> runs(TreeShape tree) {
    Set<Long> compacting = tree.compactingFiles();
    List<Run> runs = new ArrayList<>();
    for (FileShape file : tree.level(0).files()) {
      runs.add(new Run(0, List.of(file), file.sizeBytes(), compacting.contains(file.fileId())));
    }
    for (int level = 1; level < tree.numLevels(); level++) {
      LevelShape shape = tree.level(level);
      if (shape.isEmpty()) {
        continue;
      }
      boolean busy = false;
      for (FileShape file : shape.files()) {
        busy |= compacting.contains(file.fileId());
      }
      runs.add(new Run(level, shape.files(), shape.sizeBytes(), busy));
    }
    return runs;
  }

  @Override
  public Optional<CompactionJob> pickJob(TreeShape tree) {
    List<Run> runs = runs(tree);
    if (runs.size() < 2) {
      return Optional.empty();
    }
    Optional<CompactionJob> job = reduceSpaceAmplification(tree, runs);
    if (job.isPresent() || runs.size() < trigger) {
      return job;
    }
    job =
        mergeConsecutive(
            tree,
            runs,
            options.sizeRatioPercent(),
            Integer.MAX_VALUE,
            "tiered: " + runs.size() + " sorted runs, merging runs of similar size");
    if (job.isPresent()) {
      return job;
    }
    int idle = 0;
    for (Run run : runs) {
      idle += run.compacting() ? 0 : 1;
    }
    if (idle > trigger) {
      return mergeConsecutive(
          tree,
          runs,
          Double.POSITIVE_INFINITY,
          idle - trigger + 1,
          "tiered: " + runs.size() + " sorted runs over the limit of " + trigger);
    }
    return Optional.empty();
  }

  /**
   * RocksDB's {@code PickCompactionToReduceSizeAmp}: when the runs newer than the oldest hold at
   * least {@code maxSizeAmplificationPercent} of the oldest run's bytes, merge them all into the
   * last level. Unlike RocksDB this is checked whenever there are two runs, not only once the run
   * count reaches the trigger, so the space bound holds for small trees too.
   */
  private Optional<CompactionJob> reduceSpaceAmplification(TreeShape tree, List<Run> runs) {
    Run oldest = runs.get(runs.size() - 1);
    if (oldest.compacting()) {
      return Optional.empty();
    }
    int start = 0;
    while (start < runs.size() - 1 && runs.get(start).compacting()) {
      start++;
    }
    if (start == runs.size() - 1) {
      return Optional.empty();
    }
    double newerBytes = 0;
    for (int i = start; i < runs.size() - 1; i++) {
      if (runs.get(i).compacting()) {
        return Optional.empty();
      }
      newerBytes += runs.get(i).bytes();
    }
    if (newerBytes * 100 < (double) options.maxSizeAmplificationPercent() * oldest.bytes()) {
      return Optional.empty();
    }
    String reason =
        String.format(
            Locale.ROOT,
            "tiered: space amplification %.0f%% >= %d%%, merging into the last level",
            oldest.bytes() == 0 ? Double.POSITIVE_INFINITY : newerBytes * 100 / oldest.bytes(),
            options.maxSizeAmplificationPercent());
    return build(tree, runs, start, runs.size(), reason);
  }

  /**
   * RocksDB's {@code PickCompactionToReduceSortedRuns}: from the newest idle run, take following
   * runs while each is at most {@code (100 + ratioPercent)%} of the bytes taken so far, up to
   * {@code maxRuns}; the first start that yields two runs or more wins.
   */
  private Optional<CompactionJob> mergeConsecutive(
      TreeShape tree, List<Run> runs, double ratioPercent, int maxRuns, String reason) {
    for (int start = 0; start < runs.size(); start++) {
      while (start < runs.size() && runs.get(start).compacting()) {
        start++;
      }
      if (start >= runs.size()) {
        break;
      }
      int count = 1;
      double taken = runs.get(start).bytes();
      for (int i = start + 1; count < maxRuns && i < runs.size(); i++) {
        Run next = runs.get(i);
        if (next.compacting()) {
          break;
        }
        if (!Double.isInfinite(ratioPercent) && taken * (100 + ratioPercent) / 100 < next.bytes()) {
          break;
        }
        taken += next.bytes();
        count++;
      }
      if (count >= 2) {
        Optional<CompactionJob> job = build(tree, runs, start, start + count, reason);
        if (job.isPresent()) {
          return job;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The job merging runs {@code [start, end)}, widened to older level-0 files that overlap it (rule
   * 3), with RocksDB universal's output placement: the level just above the next older run, level 0
   * when that run is a level-0 file, the last level when there is none. Empty when a run it needs
   * is being compacted or a running job writes into the same level and range.
   */
  private Optional<CompactionJob> build(
      TreeShape tree, List<Run> runs, int start, int end, String reason) {
    KeyRange range = KeyRange.covering(runs.get(start).files());
    for (int i = start + 1; i < end; i++) {
      range = range.union(KeyRange.covering(runs.get(i).files()));
    }
    if (runs.get(start).level() == 0) {
      // Level-0 runs come first; an older overlapping one pulls in every run up to it.
      for (int i = end; i < runs.size() && runs.get(i).level() == 0; i++) {
        FileShape file = runs.get(i).files().get(0);
        if (range.overlaps(file)) {
          for (int j = end; j <= i; j++) {
            range = range.union(runs.get(j).files().get(0));
          }
          end = i + 1;
        }
      }
    }
    for (int i = start; i < end; i++) {
      if (runs.get(i).compacting()) {
        return Optional.empty();
      }
    }
    int outputLevel;
    if (end == runs.size()) {
      outputLevel = tree.numLevels() - 1;
    } else if (runs.get(end).level() == 0) {
      outputLevel = 0;
    } else {
      outputLevel = runs.get(end).level() - 1;
    }
    if (range.clashesWithRunningJob(tree.runningJobs(), outputLevel)) {
      return Optional.empty();
    }
    List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
    List<Long> l0 = new ArrayList<>();
    for (int i = start; i < end; i++) {
      Run run = runs.get(i);
      if (run.level() == 0) {
        l0.add(run.files().get(0).fileId());
      } else {
        List<Long> ids = new ArrayList<>(run.files().size());
        for (FileShape file : run.files()) {
          ids.add(file.fileId());
        }
        inputs.add(new CompactionJob.LevelInputs(run.level(), ids));
      }
    }
    if (!l0.isEmpty()) {
      inputs.add(0, new CompactionJob.LevelInputs(0, l0));
    }
    // Each level-0 file is a sorted run of its own: split output would leave as many runs as it
    // merged (and the strategy would merge them again forever), so level-0 output is one file.
    long targetFileBytes = outputLevel == 0 ? Long.MAX_VALUE : options.targetFileBytes();
    return Optional.of(
        new CompactionJob(
            inputs, outputLevel, targetFileBytes, reason + ", " + (end - start) + " runs"));
  }

  /**
   * The input bytes of the job this strategy would pick if nothing were running: the full merge
   * when space amplification is over its limit, otherwise the merge that brings the run count down.
   * RocksDB computes no estimate for universal compaction; this one is 0 exactly when the tree is
   * within its goals.
   */
  @Override
  public long pendingCompactionBytes(TreeShape tree) {
    TreeShape idle = new TreeShape(tree.levels(), Set.of(), List.of());
    Optional<CompactionJob> job = pickJob(idle);
    if (job.isEmpty()) {
      return 0;
    }
    Set<Long> inputs = Set.copyOf(job.get().inputFileIds());
    long bytes = 0;
    for (LevelShape level : tree.levels()) {
      for (FileShape file : level.files()) {
        if (inputs.contains(file.fileId())) {
          bytes += file.sizeBytes();
        }
      }
    }
    return bytes;
  }

  /** Tiered compaction has no per-level targets: all zeros. */
  @Override
  public long[] levelTargetBytes(TreeShape tree) {
    return new long[tree.numLevels()];
  }

  @Override
  public StrategyBounds bounds() {
    return new StrategyBounds(
        trigger, trigger, 1.0 + options.maxSizeAmplificationPercent() / 100.0);
  }
}
