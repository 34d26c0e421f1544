package dev.shale.lsm.spi.compaction;

/**
 * Bounds a strategy promises for a tree where every job it picks runs to completion before the next
 * flush. 0 means the strategy promises nothing of that kind.
 *
 * @param maxLevel0Files level-0 files never exceed this after the picked jobs ran
 * @param maxSortedRuns sorted runs (level-0 files plus non-empty deeper levels) never exceed this
 * @param maxSpaceAmplification total bytes over the bytes of the last non-empty level never exceed
 *     this once the tree holds more than a few files; 0, or at least 1 and finite
 *     <p>The bounds must agree: none is negative, and with both set, {@code maxLevel0Files <=
 *     maxSortedRuns} (each level-0 file is a sorted run).
 */
public record StrategyBounds(int maxLevel0Files, int maxSortedRuns, double maxSpaceAmplification) {}
