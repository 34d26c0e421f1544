/**
 * The compaction strategy conformance suite ({@link
 * dev.shale.lsm.tck.compaction.CompactionStrategyConformanceTest}), the tree simulator it drives
 * strategies with ({@link dev.shale.lsm.tck.compaction.CompactionSimulator}) and deliberately
 * broken strategies ({@link dev.shale.lsm.tck.compaction.BrokenCompactionStrategies}).
 */
@NullMarked
package dev.shale.lsm.tck.compaction;

import org.jspecify.annotations.NullMarked;
