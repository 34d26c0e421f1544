package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.TreeShape;

/**
 * Level size targets of a leveled tree, computed as RocksDB does (its {@code CalculateBaseBytes}).
 *
 * <p>Static sizing: level 1 aims for {@code maxBytesForLevelBase} and each deeper level for {@code
 * levelMultiplier} times the one above. Dynamic sizing ({@code
 * level_compaction_dynamic_level_bytes}): the largest level {@code >= 1} is taken as the size of
 * the last level, targets shrink by the multiplier going up, and the base level (where level 0 is
 * compacted to) is the shallowest level whose target is still above {@code maxBytesForLevelBase /
 * levelMultiplier}; levels above it stay empty, so the last level holds about {@code 1 -
 * 1/multiplier} of the data (space amplification near 1.1 with a multiplier of 10). Non-empty
 * levels that would have a target below that minimum are "unnecessary" (RocksDB 8's {@code
 * lowest_unnecessary_level_}) and are drained downward; that is how a tree shaped by another
 * strategy, with data spread over too many levels, converges.
 *
 * @param baseLevel where level-0 files are compacted to
 * @param targets the target bytes per level; 0 for level 0 and for levels above the base level
 * @param lowestUnnecessaryLevel the deepest level that should be drained into the next one, or -1
 * @param baseBytesMax {@code max(maxBytesForLevelBase, level-0 bytes)}: no level target is smaller
 */
@SuppressWarnings("ArrayRecordComponent") // internal value, never compared
record LevelSizing(int baseLevel, long[] targets, int lowestUnnecessaryLevel, long baseBytesMax) {

  static LevelSizing of(TreeShape tree, CompactionOptions options) {
    int numLevels = tree.numLevels();
    long[] targets = new long[numLevels];
    double multiplier = options.levelMultiplier();
    if (!options.dynamicLevelBytes()) {
      long target = options.maxBytesForLevelBase();
      for (int level = 1; level < numLevels; level++) {
        targets[level] = target;
        target = times(target, multiplier);
      }
      return new LevelSizing(1, targets, -1, options.maxBytesForLevelBase());
    }

    long l0Bytes = tree.level(0).sizeBytes();
    int l0Files = tree.level(0).files().size();
    int firstNonEmpty = -1;
    long maxLevelBytes = 0;
    for (int level = 1; level < numLevels; level++) {
      long bytes = tree.level(level).sizeBytes();
      if (bytes > 0 && firstNonEmpty < 0) {
        firstNonEmpty = level;
      }
      maxLevelBytes = Math.max(maxLevelBytes, bytes);
    }
    long baseBytesMax = Math.max(options.maxBytesForLevelBase(), l0Bytes);
    if (maxLevelBytes == 0) {
      // Nothing below level 0 yet: level 0 goes straight to the last level.
      targets[numLevels - 1] = baseBytesMax;
      return new LevelSizing(numLevels - 1, targets, -1, baseBytesMax);
    }

    long baseBytesMin = (long) (baseBytesMax / multiplier);
    long current = maxLevelBytes;
    int lowestUnnecessary = -1;
    for (int level = numLevels - 2; level >= firstNonEmpty; level--) {
      current = (long) (current / multiplier);
      if (lowestUnnecessary < 0 && current <= baseBytesMin) {
        lowestUnnecessary = level;
      }
    }

    int baseLevel = firstNonEmpty;
    long baseLevelBytes;
    if (current <= baseBytesMin) {
      // More levels hold data than the data needs; the unnecessary ones are drained.
      baseLevelBytes = baseBytesMin + 1;
    } else {
      while (baseLevel > 1 && current > baseBytesMax) {
        baseLevel--;
        current = (long) (current / multiplier);
      }
      baseLevelBytes = current > baseBytesMax ? baseBytesMax : Math.max(1, current);
    }

    double levelMultiplier = multiplier;
    if (l0Bytes > baseLevelBytes
        && (l0Bytes > options.maxBytesForLevelBase()
            || l0Files / 2 >= options.level0CompactionTrigger())) {
      // Level 0 is backlogged: size the base level after it so the backlog moves down promptly.
      baseLevelBytes = l0Bytes;
      levelMultiplier =
          baseLevel == numLevels - 1
              ? 1.0
              : Math.pow(
                  (double) maxLevelBytes / baseLevelBytes, 1.0 / (numLevels - baseLevel - 1));
    }
    long levelBytes = baseLevelBytes;
    for (int level = baseLevel; level < numLevels; level++) {
      if (level > baseLevel) {
        levelBytes = times(levelBytes, levelMultiplier);
      }
      targets[level] = Math.max(levelBytes, baseBytesMax);
    }
    return new LevelSizing(baseLevel, targets, lowestUnnecessary, baseBytesMax);
  }

  /** Whether {@code level} (>= 1) should be emptied into the next level whatever its size. */
  boolean isUnnecessary(int level) {
    return level >= 1 && level <= lowestUnnecessaryLevel;
  }

  private static long times(long bytes, double multiplier) {
    double product = bytes * multiplier;
    return product >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) product);
  }
}
