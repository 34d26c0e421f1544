package dev.shale.lsm.tck.compaction;

/** The compaction strategy conformance suite (being written). */
public abstract class CompactionStrategyConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.compaction.CompactionStrategyProvider provider();
}
