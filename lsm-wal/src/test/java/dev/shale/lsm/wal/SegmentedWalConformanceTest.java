package dev.shale.lsm.wal;

import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.tck.wal.WalConformanceTest;

/** Runs the write-ahead log conformance suite against the "segmented" provider. */
class SegmentedWalConformanceTest extends WalConformanceTest {
  @Override
  protected WalProvider provider() {
    return new SegmentedWalProvider();
  }
}
