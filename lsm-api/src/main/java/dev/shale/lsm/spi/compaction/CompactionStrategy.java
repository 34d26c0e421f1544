package dev.shale.lsm.spi.compaction;

import java.util.Optional;

/**
 * Decides what to compact. A pure function of the {@link TreeShape} (and the options it was created
 * with): no I/O, no clock, no shared mutable state, so it is thread-safe and testable by
 * simulation. The engine asks again after every flush and every finished job, and runs the returned
 * jobs on background threads, several at once when their inputs do not overlap.
 *
 * <p>It must cope with any valid tree, including one shaped by another strategy (a Db reopened with
 * a different strategy converges to the new one's shape). It must settle: from any tree, running
 * the jobs it picks one after another reaches, within a bounded number of jobs, a tree on which it
 * picks none; an empty tree needs no job. Its write amplification must stay reasonable (the
 * conformance kit fails a strategy above 50 on its simulated workloads).
 */
public interface CompactionStrategy {

  /**
   * The next job to run, or empty when the tree is within the strategy's goals. Every job returned
   * passes {@link JobRules} on {@code tree}, also while other jobs run (their inputs are in {@link
   * TreeShape#compactingFiles()}); the same tree always gets the same answer.
   */
  Optional<CompactionJob> pickJob(TreeShape tree);

  /**
   * Bytes the strategy would still have to rewrite to reach its goals (RocksDB's estimate), never
   * negative. The engine stalls writers on it, so on a tree with nothing running it is positive
   * whenever {@link #pickJob} picks a job that rewrites data (anything but a drop or a single file
   * moved deeper), and 0 when {@code pickJob} picks nothing.
   */
  long pendingCompactionBytes(TreeShape tree);

  /**
   * The size each level aims for, level 0 first (0 where there is no target): one entry per level
   * of {@code tree}, none negative.
   */
  long[] levelTargetBytes(TreeShape tree);

  /**
   * What the strategy promises about trees it maintains (the same for every call); checked by the
   * conformance kit.
   */
  StrategyBounds bounds();
}
