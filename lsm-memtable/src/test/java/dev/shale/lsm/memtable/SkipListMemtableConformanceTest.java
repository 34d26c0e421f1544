package dev.shale.lsm.memtable;

import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.memtable.MemtableConformanceTest;

/** The "skiplist" memtable against the conformance suite. */
class SkipListMemtableConformanceTest extends MemtableConformanceTest {
  @Override
  protected MemtableProvider provider() {
    return new SkipListMemtableProvider();
  }
}
