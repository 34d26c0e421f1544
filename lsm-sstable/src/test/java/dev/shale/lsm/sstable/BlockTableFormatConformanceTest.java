package dev.shale.lsm.sstable;

import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.tck.sstable.SSTableFormatConformanceTest;

/** The "block" format passes the SSTable format conformance suite. */
class BlockTableFormatConformanceTest extends SSTableFormatConformanceTest {
  @Override
  protected SSTableFormat format() {
    return new BlockTableFormat();
  }
}
