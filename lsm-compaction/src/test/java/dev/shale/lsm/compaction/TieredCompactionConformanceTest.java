package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.compaction.CompactionStrategyConformanceTest;

class TieredCompactionConformanceTest extends CompactionStrategyConformanceTest {
  @Override
  protected CompactionStrategyProvider provider() {
    return new TieredCompactionProvider();
  }
}
