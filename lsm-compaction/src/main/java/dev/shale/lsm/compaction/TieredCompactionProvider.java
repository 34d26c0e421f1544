package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;

/**
 * The {@code "tiered"} compaction strategy, after RocksDB's universal compaction.
 *
 * <h2>What it does</h2>
 *
 * The sorted runs are the level-0 files (newest first) and then each non-empty level {@code >= 1};
 * with {@code T = max(2, level0CompactionTrigger)}:
 *
 * <ol>
 *   <li><b>Space amplification.</b> When the runs newer than the oldest hold at least {@code
 *       maxSizeAmplificationPercent} of the oldest run's bytes, everything is merged into the last
 *       level. RocksDB only checks this once there are {@code T} runs; this strategy checks it
 *       whenever there are two, so the space bound holds for small trees too.
 *   <li><b>Size ratio.</b> With at least {@code T} runs: from the newest idle run, following runs
 *       are added while each is no larger than {@code (100 + sizeRatioPercent)%} of the bytes taken
 *       so far; two runs or more make a job.
 *   <li><b>Run count.</b> With more than {@code T} idle runs and no such job: the newest {@code
 *       runs - T + 1} runs are merged, leaving {@code T}.
 * </ol>
 *
 * Output placement is universal compaction's: the level just above the next older run that is not
 * an input; level 0 when that run is a level-0 file; the last level when there is none. Rule 3 of
 * {@link dev.shale.lsm.spi.compaction.CompactionJob} adds one twist: a job that takes a level-0
 * file also takes every older level-0 file overlapping its key range (and the runs between), so a
 * merge of the newest files extends to the older overlapping ones. RocksDB may merge the newest
 * level-0 files alone into level 0; here such merges grow to the end of level 0, which costs write
 * amplification when many runs live in level 0 (few levels, a high trigger). Whole levels are
 * always taken, jobs avoid busy runs and running jobs' output ranges, and outputs are split at
 * {@code targetFileBytes}, except level-0 output: a level-0 file is a sorted run of its own, so a
 * merge into level 0 asks for one file ({@code Long.MAX_VALUE} target).
 *
 * <h2>Convergence from another shape</h2>
 *
 * A Db reopened with this strategy may hold a leveled tree: a few level-0 files and many levels,
 * each one sorted run, sizes growing toward the bottom by the level multiplier. Each of those
 * levels counts as one run, so the tree has more runs than {@code T}: the size-ratio rule merges
 * the newest runs where sizes are close (level-0 files, then the small upper levels), and the
 * run-count rule merges the newest runs until {@code T} remain, each merge landing just above the
 * next older run. A leveled tree's space amplification is about 1.1, far below the trigger, so the
 * large bottom level is left alone until newer data reaches {@code maxSizeAmplificationPercent} of
 * it; then one full merge produces the single bottom run of the tiered shape. Every job lowers the
 * run count or ends in one run, so after finitely many jobs the tree is within the bounds.
 *
 * <h2>Bounds</h2>
 *
 * When every picked job completes before the next flush: at most {@code T} sorted runs (hence
 * level-0 files), and space amplification (total bytes over the oldest run's) below {@code 1 +
 * maxSizeAmplificationPercent / 100}.
 *
 * <h2>Not done</h2>
 *
 * RocksDB features left out: trivial moves of non-overlapping runs, incremental (partial) merges of
 * the last run, compression cut-offs, periodic and file-marking triggers. With the default trigger
 * of 4 runs, a tree whose runs grow ten-fold from one to the next (as left by a sequential load)
 * merges every flush into its newest level run, as RocksDB does; a larger trigger trades read
 * amplification for much less write amplification.
 *
 * <p>Stateless and thread-safe; {@link #create} throws {@link IllegalArgumentException} for no
 * levels, a trigger below 1, a non-positive file size, or a negative percentage.
 */
public final class TieredCompactionProvider implements CompactionStrategyProvider {
  /** The provider's name. */
  public static final String NAME = "tiered";

  /** Creates the provider; it does no work. */
  public TieredCompactionProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompactionStrategy create(CompactionOptions options) {
    return new TieredCompaction(options);
  }
}
