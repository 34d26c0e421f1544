package dev.shale.lsm.spi.compaction;

/**
 * Tuning shared by the shipped strategies; each reads what applies to it.
 *
 * @param numLevels levels including level 0
 * @param level0CompactionTrigger level-0 files (leveled) or sorted runs (tiered) that trigger work
 * @param maxBytesForLevelBase leveled: target size of the first level below level 0
 * @param levelMultiplier leveled: growth factor between level targets
 * @param dynamicLevelBytes leveled: size levels from the bottom up
 * @param targetFileBytes size at which job outputs are split
 * @param maxSizeAmplificationPercent tiered: space amplification (percent over live data) that
 *     triggers a full merge
 * @param sizeRatioPercent tiered: how much larger, in percent, the next run may be and still be
 *     merged with the runs before it
 */
public record CompactionOptions(
    int numLevels,
    int level0CompactionTrigger,
    long maxBytesForLevelBase,
    double levelMultiplier,
    boolean dynamicLevelBytes,
    long targetFileBytes,
    int maxSizeAmplificationPercent,
    int sizeRatioPercent) {

  /** RocksDB-like defaults for {@code numLevels} levels. */
  public static CompactionOptions defaults(int numLevels) {
    return new CompactionOptions(numLevels, 4, 256L << 20, 10, true, 64L << 20, 200, 1);
  }
}
