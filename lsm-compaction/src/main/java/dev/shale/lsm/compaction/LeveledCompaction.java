package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * RocksDB-style leveled compaction; see {@link LeveledCompactionProvider} for the behaviour. Every
 * decision is recomputed from the tree: the strategy holds nothing but its options.
 */
final class LeveledCompaction implements CompactionStrategy {
  /** RocksDB's {@code kScoreScale}: scores above 1 are scaled so priorities can be adjusted. */
  private static final double SCORE_SCALE = 10.0;

  /** Slack over the steady-state space amplification for level 0 and minimum level targets. */
  private static final double SPACE_AMPLIFICATION_SLACK = 0.25;

  private final CompactionOptions options;

  LeveledCompaction(CompactionOptions options) {
    if (options.numLevels() < 2) {
      throw new IllegalArgumentException(
          "leveled compaction needs at least 2 levels, got numLevels=" + options.numLevels());
    }
    if (options.level0CompactionTrigger() < 1) {
      throw new IllegalArgumentException(
          "level0CompactionTrigger must be at least 1, got " + options.level0CompactionTrigger());
    }
    if (options.maxBytesForLevelBase() <= 0) {
      throw new IllegalArgumentException(
          "maxBytesForLevelBase must be positive, got " + options.maxBytesForLevelBase());
    }
    if (!(options.levelMultiplier() > 1.0) || Double.isInfinite(options.levelMultiplier())) {
      throw new IllegalArgumentException(
          "levelMultiplier must be a finite number above 1, got " + options.levelMultiplier());
    }
    if (options.targetFileBytes() <= 0) {
      throw new IllegalArgumentException(
          "targetFileBytes must be positive, got " + options.targetFileBytes());
    }
    this.options = options;
  }

  @Override
  public Optional<CompactionJob> pickJob(TreeShape tree) {
    if (tree.numLevels() < 2) {
      return Optional.empty();
    }
    LevelSizing sizing = LevelSizing.of(tree, options);
    double[] scores = scores(tree, sizing);
    Integer[] byScore = new Integer[scores.length];
    for (int i = 0; i < byScore.length; i++) {
      byScore[i] = i;
    }
    // Highest score first; ties go to the shallower level, so the order is deterministic.
    Arrays.sort(byScore, Comparator.comparingDouble((Integer l) -> -scores[l]));
    for (int level : byScore) {
      if (scores[level] < 1.0) {
        break;
      }
      Optional<CompactionJob> job =
          level == 0
              ? pickFromLevel0(tree, sizing, scores[0])
              : pickFromLevel(tree, level, sizing, scores[level]);
      if (job.isPresent()) {
        return job;
      }
    }
    return Optional.empty();
  }

  /**
   * Compaction scores of levels 0 to {@code numLevels - 2} (the last level is never an input), as
   * RocksDB's {@code ComputeCompactionScore}: a level needs work when its score is at least 1.
   */
  double[] scores(TreeShape tree, LevelSizing sizing) {
    int numLevels = tree.numLevels();
    Set<Long> compacting = tree.compactingFiles();
    double[] scores = new double[numLevels - 1];
    long[] targets = sizing.targets();

    int l0Files = 0;
    long l0Bytes = 0;
    double downcompactBytes = 0;
    for (FileShape file : tree.level(0).files()) {
      downcompactBytes += file.sizeBytes();
      if (!compacting.contains(file.fileId())) {
        l0Files++;
        l0Bytes += file.sizeBytes();
      }
    }
    double l0Score = (double) l0Files / options.level0CompactionTrigger();
    int base = sizing.baseLevel();
    if (options.dynamicLevelBytes()) {
      if (l0Bytes >= options.maxBytesForLevelBase()) {
        l0Score = Math.max(l0Score, 1.01);
      }
      if (l0Bytes > targets[base]) {
        l0Score =
            Math.max(
                l0Score, (double) l0Bytes / Math.max(tree.level(base).sizeBytes(), targets[base]));
      }
      if (l0Score > 1.0) {
        l0Score *= SCORE_SCALE;
      }
    } else {
      l0Score = Math.max(l0Score, (double) l0Bytes / options.maxBytesForLevelBase());
    }
    scores[0] = l0Score;

    for (int level = 1; level < numLevels - 1; level++) {
      long total = 0;
      long idle = 0;
      for (FileShape file : tree.level(level).files()) {
        total += file.sizeBytes();
        if (!compacting.contains(file.fileId())) {
          idle += file.sizeBytes();
        }
      }
      long target = targets[level];
      double score;
      if (target == 0) {
        score = 0; // above the base level: empty by construction of the base level
      } else if (!options.dynamicLevelBytes() || idle < target) {
        score = (double) idle / target;
      } else {
        // Data about to arrive from above lowers the priority of a level (RocksDB 7.8+).
        score = idle / (target + downcompactBytes) * SCORE_SCALE;
      }
      if (idle > 0 && sizing.isUnnecessary(level)) {
        score =
            Math.max(
                score, SCORE_SCALE * (1.001 + 0.001 * (sizing.lowestUnnecessaryLevel() - level)));
      }
      if (sizing.isUnnecessary(level)) {
        downcompactBytes += total;
      } else if (target > 0 && total > target) {
        downcompactBytes += total - target;
      }
      scores[level] = score;
    }
    return scores;
  }

  /**
   * Level 0 into the base level. Seeds are tried oldest first; a seed takes every level-0 file
   * overlapping the growing key range (rule 3 wants the older ones, and taking the newer ones too
   * empties level 0 faster) and every overlapping base-level file, until the range stops growing.
   */
  private Optional<CompactionJob> pickFromLevel0(TreeShape tree, LevelSizing sizing, double score) {
    List<FileShape> l0 = tree.level(0).files();
    int output = sizing.baseLevel();
    SortedRunIndex below = new SortedRunIndex(tree.level(output).files());
    Set<Long> compacting = tree.compactingFiles();
    boolean[] tried = new boolean[l0.size()];
    for (int seed = l0.size() - 1; seed >= 0; seed--) {
      if (tried[seed] || compacting.contains(l0.get(seed).fileId())) {
        continue;
      }
      boolean[] taken = new boolean[l0.size()];
      taken[seed] = true;
      KeyRange range = KeyRange.of(l0.get(seed));
      boolean grew = true;
      while (grew) {
        grew = false;
        for (int i = 0; i < l0.size(); i++) {
          if (!taken[i] && range.overlaps(l0.get(i))) {
            taken[i] = true;
            range = range.union(l0.get(i));
            grew = true;
          }
        }
        List<FileShape> overlapped = below.overlapping(range);
        if (!overlapped.isEmpty()) {
          KeyRange underneath = KeyRange.covering(overlapped);
          if (!range.contains(underneath)) {
            range = range.union(underneath);
            grew = true;
          }
        }
      }
      boolean usable = true;
      List<Long> l0Inputs = new ArrayList<>();
      for (int i = 0; i < l0.size(); i++) {
        if (taken[i]) {
          tried[i] = true;
          l0Inputs.add(l0.get(i).fileId());
          usable &= !compacting.contains(l0.get(i).fileId());
        }
      }
      if (!usable
          || below.anyOverlappingIn(range, compacting)
          || intermediateLevelsOverlap(tree, output, range)
          || range.clashesWithRunningJob(tree.runningJobs(), output)) {
        continue;
      }
      List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
      inputs.add(new CompactionJob.LevelInputs(0, l0Inputs));
      List<FileShape> overlapped = below.overlapping(range);
      if (!overlapped.isEmpty()) {
        inputs.add(new CompactionJob.LevelInputs(output, ids(overlapped)));
      }
      String reason =
          String.format(
              Locale.ROOT,
              "leveled: level 0 score %.2f (%d files, trigger %d) into base level %d",
              score,
              l0.size(),
              options.level0CompactionTrigger(),
              output);
      return Optional.of(new CompactionJob(inputs, output, options.targetFileBytes(), reason));
    }
    return Optional.empty();
  }

  /** Levels between 0 and the base level are empty by construction; this guards the rule. */
  private static boolean intermediateLevelsOverlap(TreeShape tree, int output, KeyRange range) {
    for (int level = 1; level < output; level++) {
      for (FileShape file : tree.level(level).files()) {
        if (range.overlaps(file)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Level {@code level >= 1} into the next one: the idle file whose overlap with the next level is
   * smallest per byte of itself (RocksDB's {@code kMinOverlappingRatio}), skipping files whose job
   * would touch a file being compacted or land on a running job's output range.
   */
  private Optional<CompactionJob> pickFromLevel(
      TreeShape tree, int level, LevelSizing sizing, double score) {
    int output = level + 1;
    List<FileShape> files = tree.level(level).files();
    SortedRunIndex below = new SortedRunIndex(tree.level(output).files());
    Set<Long> compacting = tree.compactingFiles();
    int count = files.size();
    double[] ratio = new double[count];
    List<Integer> candidates = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      FileShape file = files.get(i);
      if (compacting.contains(file.fileId())) {
        continue;
      }
      ratio[i] = below.overlappingBytes(KeyRange.of(file)) / compensatedBytes(file);
      candidates.add(i);
    }
    candidates.sort(Comparator.comparingDouble((Integer i) -> ratio[i]));
    for (int index : candidates) {
      // A user key must not straddle the cut (RocksDB's clean cut); the tree should never have
      // two files of a level sharing a boundary key, but it costs nothing to be safe.
      int from = index;
      int to = index + 1;
      while (from > 0
          && Arrays.equals(files.get(from - 1).largestKey(), files.get(from).smallestKey())) {
        from--;
      }
      while (to < count
          && Arrays.equals(files.get(to - 1).largestKey(), files.get(to).smallestKey())) {
        to++;
      }
      List<FileShape> picked = files.subList(from, to);
      if (anyIn(picked, compacting)) {
        continue;
      }
      KeyRange range = KeyRange.covering(picked);
      List<FileShape> overlapped = below.overlapping(range);
      if (anyIn(overlapped, compacting)) {
        continue;
      }
      KeyRange jobRange = overlapped.isEmpty() ? range : range.union(KeyRange.covering(overlapped));
      if (jobRange.clashesWithRunningJob(tree.runningJobs(), output)) {
        continue;
      }
      List<CompactionJob.LevelInputs> inputs = new ArrayList<>();
      inputs.add(new CompactionJob.LevelInputs(level, ids(picked)));
      if (!overlapped.isEmpty()) {
        inputs.add(new CompactionJob.LevelInputs(output, ids(overlapped)));
      }
      String why =
          sizing.isUnnecessary(level)
              ? "draining a level the data no longer needs"
              : String.format(
                  Locale.ROOT,
                  "score %.2f, %d bytes over target %d",
                  score,
                  tree.level(level).sizeBytes(),
                  sizing.targets()[level]);
      String reason =
          String.format(
              Locale.ROOT,
              "leveled: level %d into %d (%s), least overlap per byte %.3f",
              level,
              output,
              why,
              ratio[index]);
      return Optional.of(new CompactionJob(inputs, output, options.targetFileBytes(), reason));
    }
    return Optional.empty();
  }

  /**
   * A file's size, counting tombstones twice: a file of deletions frees space below only once it is
   * pushed down, so such files go first among equal overlaps (RocksDB compensates likewise).
   */
  private static double compensatedBytes(FileShape file) {
    double bytes = Math.max(1, file.sizeBytes());
    if (file.entryCount() > 0 && file.tombstoneCount() > 0) {
      bytes += bytes * Math.min(file.tombstoneCount(), file.entryCount()) / file.entryCount();
    }
    return bytes;
  }

  /**
   * RocksDB's {@code EstimateCompactionBytesNeeded}: level 0 if it is due, plus for every level
   * over its target the excess times the fan-out into the next level. Levels the data no longer
   * needs count whole.
   */
  @Override
  public long pendingCompactionBytes(TreeShape tree) {
    if (tree.numLevels() < 2) {
      return 0;
    }
    LevelSizing sizing = LevelSizing.of(tree, options);
    long[] targets = sizing.targets();
    double pending = 0;
    long levelBytes = tree.level(0).sizeBytes();
    long toNextLevel = 0;
    boolean l0Due =
        tree.level(0).files().size() >= options.level0CompactionTrigger()
            || levelBytes >= options.maxBytesForLevelBase();
    if (l0Due) {
      pending = levelBytes;
      toNextLevel = levelBytes;
    }
    long nextLevelBytes = 0;
    int lastInputLevel = tree.numLevels() - 2;
    for (int level = sizing.baseLevel(); level <= lastInputLevel; level++) {
      long size = nextLevelBytes > 0 ? nextLevelBytes : tree.level(level).sizeBytes();
      nextLevelBytes = 0;
      if (level == sizing.baseLevel() && l0Due) {
        pending += size;
      }
      size += toNextLevel;
      toNextLevel = 0;
      long target = sizing.isUnnecessary(level) ? 0 : targets[level];
      if (size > target) {
        toNextLevel = size - target;
        nextLevelBytes = tree.level(level + 1).sizeBytes();
        if (nextLevelBytes > 0) {
          // Estimate the fan-out as the size ratio of the two levels; moves into an empty level
          // are trivial and cost nothing.
          pending += toNextLevel * ((double) nextLevelBytes / size + 1);
        }
      }
    }
    return pending >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) pending;
  }

  @Override
  public long[] levelTargetBytes(TreeShape tree) {
    if (tree.numLevels() < 2) {
      return new long[tree.numLevels()];
    }
    return LevelSizing.of(tree, options).targets().clone();
  }

  @Override
  public StrategyBounds bounds() {
    int maxLevel0Files = Math.max(1, options.level0CompactionTrigger() - 1);
    double spaceAmplification =
        options.dynamicLevelBytes()
            ? 1.0 + 1.0 / (options.levelMultiplier() - 1.0) + SPACE_AMPLIFICATION_SLACK
            : 0;
    return new StrategyBounds(
        maxLevel0Files, maxLevel0Files + options.numLevels() - 1, spaceAmplification);
  }

  private static boolean anyIn(List<FileShape> files, Set<Long> compacting) {
    if (compacting.isEmpty()) {
      return false;
    }
    for (FileShape file : files) {
      if (compacting.contains(file.fileId())) {
        return true;
      }
    }
    return false;
  }

  private static List<Long> ids(List<FileShape> files) {
    List<Long> ids = new ArrayList<>(files.size());
    for (FileShape file : files) {
      ids.add(file.fileId());
    }
    return ids;
  }
}
