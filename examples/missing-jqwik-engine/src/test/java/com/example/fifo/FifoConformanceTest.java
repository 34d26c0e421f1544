package com.example.fifo;

import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.compaction.CompactionStrategyConformanceTest;
import dev.shale.lsm.tck.compaction.FifoTestStrategy;

/** The compaction suite, whose properties need jqwik's engine, on the kit's FIFO strategy. */
class FifoConformanceTest extends CompactionStrategyConformanceTest {
  @Override
  protected CompactionStrategyProvider provider() {
    return new FifoTestStrategy(1L << 30);
  }
}
