package com.example.treemap;

import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.memtable.MemtableConformanceTest;

/** Every test and property of Shale's memtable suite, run against this plugin. */
class TreeMapMemtableConformanceTest extends MemtableConformanceTest {
  @Override
  protected MemtableProvider provider() {
    return new TreeMapMemtableProvider();
  }
}
