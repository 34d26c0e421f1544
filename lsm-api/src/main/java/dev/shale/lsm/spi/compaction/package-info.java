/**
 * The compaction SPI: a {@link dev.shale.lsm.spi.compaction.CompactionStrategy} is a pure decision
 * over a read-only {@link dev.shale.lsm.spi.compaction.TreeShape}: which files to merge next and
 * into which level. It never does I/O; the engine runs the jobs.
 *
 * <p>The tree: level 0 holds overlapping files, newest first, each its own sorted run; every level
 * {@code >= 1} is one sorted run of non-overlapping files. For any key, versions in a
 * lower-numbered level (and, in level 0, a newer file) are newer than versions further down. A job
 * keeps that true; see {@link dev.shale.lsm.spi.compaction.CompactionJob} for the rules the engine
 * enforces.
 */
@NullMarked
package dev.shale.lsm.spi.compaction;

import org.jspecify.annotations.NullMarked;
