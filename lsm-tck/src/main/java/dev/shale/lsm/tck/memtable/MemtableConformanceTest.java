package dev.shale.lsm.tck.memtable;

/** The memtable conformance suite (being written). */
public abstract class MemtableConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.memtable.MemtableProvider provider();
}
