package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;

/**
 * The {@code "leveled"} compaction strategy, after RocksDB's leveled compaction.
 *
 * <h2>What it does</h2>
 *
 * <ul>
 *   <li><b>Level targets.</b> With {@code dynamicLevelBytes} (RocksDB's {@code
 *       level_compaction_dynamic_level_bytes}) targets are set from the bottom up: the largest
 *       level counts as the last level's size, each level above aims for {@code levelMultiplier}
 *       times less, and the base level, where level 0 goes, is the shallowest level whose target
 *       stays above {@code maxBytesForLevelBase / levelMultiplier}; levels above it stay empty. The
 *       last level then holds about {@code 1 - 1/levelMultiplier} of the data (space amplification
 *       near 1.1 with 10). Without it, level 1 aims for {@code maxBytesForLevelBase} and each next
 *       level for {@code levelMultiplier} times more.
 *   <li><b>Scores.</b> Level 0 scores its idle file count over {@code level0CompactionTrigger} (and
 *       its bytes against {@code maxBytesForLevelBase} and the base level); a deeper level its idle
 *       bytes over its target, lowered when much data is on its way down from above (RocksDB 7.8+).
 *       The highest score of at least 1 is served first; if no job can be formed there (its files
 *       are busy), the next one.
 *   <li><b>Level 0.</b> A job takes, from the oldest idle level-0 file on, every level-0 file
 *       overlapping the growing key range and every overlapping base-level file, so no older
 *       version is left above a newer one.
 *   <li><b>Deeper levels.</b> The idle file with the least overlapping bytes in the next level per
 *       byte of itself (RocksDB's {@code kMinOverlappingRatio}; tombstones weigh double) goes down
 *       with the files it overlaps; with nothing below it is a single-input job, which the engine
 *       turns into a trivial move.
 *   <li><b>Parallel jobs.</b> A job never uses a file being compacted and never lands on the output
 *       range of a running job with the same output level, so the engine may run a level-0 job and
 *       jobs between deeper levels at once.
 *   <li><b>Outputs</b> are split at {@code targetFileBytes}.
 * </ul>
 *
 * <h2>Convergence from another shape</h2>
 *
 * A Db reopened with this strategy may hold a tree shaped by size-tiered compaction: a few large
 * sorted runs in arbitrary levels (often one huge run in the last level), possibly a shallower run
 * larger than a deeper one. With dynamic sizing, the largest level sets the target of the last
 * level, so a single bottom run simply becomes the last level and the base level is chosen above
 * it; level 0 starts flowing into that base level at once. A level holding more than its target (a
 * large shallow run) scores above 1 and is pushed down file by file, smallest overlap first,
 * trivially moved where nothing lies below. A non-empty level whose target would fall below {@code
 * maxBytesForLevelBase / levelMultiplier} (data spread over more levels than it needs) is drained
 * into the next level whatever its size. Each job moves bytes strictly downward, so after finitely
 * many jobs every level is within its target: the leveled shape. Without dynamic sizing the same
 * happens with the fixed targets, which may leave a large bottom run below half-empty levels.
 *
 * <h2>Bounds</h2>
 *
 * When every picked job completes before the next flush: at most {@code max(1,
 * level0CompactionTrigger - 1)} level-0 files, so at most that plus {@code numLevels - 1} sorted
 * runs; and, with dynamic sizing, space amplification (total bytes over last-level bytes) at most
 * {@code 1 + 1/(levelMultiplier - 1) + 0.25} once the last level is large compared with {@code
 * maxBytesForLevelBase} and a level-0 trigger's worth of flushes (the 0.25 covers level 0 and the
 * minimum target of the upper levels, which weigh on a small tree). Without dynamic sizing it
 * promises no space bound.
 *
 * <h2>Not done</h2>
 *
 * RocksDB features left out: intra-level-0 compactions when the base level is busy; growing a job's
 * level-L inputs while its next-level overlap stays the same; TTL, periodic and tombstone-density
 * ("marked for compaction") triggers; and a cap on a job's size ({@code max_compaction_bytes}), so
 * a level-0 job takes every overlapping file however many there are.
 *
 * <p>Stateless and thread-safe; {@link #create} throws {@link IllegalArgumentException} for fewer
 * than 2 levels, a trigger below 1, a non-positive base or file size, or a multiplier not above 1.
 * The strategy uses the tree's own number of levels; {@code numLevels} only sizes the bounds.
 */
public final class LeveledCompactionProvider implements CompactionStrategyProvider {
  /** The provider's name. */
  public static final String NAME = "leveled";

  /** Creates the provider; it does no work. */
  public LeveledCompactionProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompactionStrategy create(CompactionOptions options) {
    return new LeveledCompaction(options);
  }
}
