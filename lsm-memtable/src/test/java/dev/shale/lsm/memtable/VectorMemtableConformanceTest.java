package dev.shale.lsm.memtable;

import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.memtable.MemtableConformanceTest;

/** The "vector" memtable against the conformance suite. */
class VectorMemtableConformanceTest extends MemtableConformanceTest {
  @Override
  protected MemtableProvider provider() {
    return new VectorMemtableProvider();
  }
}
