package dev.shale.lsm.spi.compaction;

import java.util.Optional;

/**
 * Decides what to compact. A pure function of the {@link TreeShape} (and the options it was created
 * with): no I/O, no clock, no shared mutable state, so it is thread-safe and testable by
 * simulation. The engine asks again after every flush and every finished job, and runs the returned
 * jobs on background threads, several at once when their inputs do not overlap.
 *
 * <p>It must cope with any valid tree, including one shaped by another strategy (a Db reopened with
 * a different strategy converges to the new one's shape).
 */
public interface CompactionStrategy {

  /** The next job to run, or empty when the tree is within the strategy's goals. */
  Optional<CompactionJob> pickJob(TreeShape tree);

  /** Bytes the strategy would still have to rewrite to reach its goals (RocksDB's estimate). */
  long pendingCompactionBytes(TreeShape tree);

  /** The size each level aims for, level 0 first (0 where there is no target). */
  long[] levelTargetBytes(TreeShape tree);

  /** What the strategy promises about trees it maintains; checked by the conformance kit. */
  StrategyBounds bounds();
}
