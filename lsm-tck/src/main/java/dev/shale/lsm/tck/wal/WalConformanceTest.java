package dev.shale.lsm.tck.wal;

/** The write-ahead log conformance suite (being written). */
public abstract class WalConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.wal.WalProvider provider();
}
