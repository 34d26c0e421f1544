package dev.shale.lsm.tck.sstable;

/** The SSTable format conformance suite (being written). */
public abstract class SSTableFormatConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.sstable.SSTableFormat format();
}
