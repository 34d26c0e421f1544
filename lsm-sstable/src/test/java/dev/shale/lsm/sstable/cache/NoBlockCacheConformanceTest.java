package dev.shale.lsm.sstable.cache;

import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.tck.cache.BlockCacheConformanceTest;

/** The "none" cache passes the block cache conformance suite (declaring no capability). */
class NoBlockCacheConformanceTest extends BlockCacheConformanceTest {
  @Override
  protected BlockCacheProvider provider() {
    return new NoBlockCacheProvider();
  }
}
