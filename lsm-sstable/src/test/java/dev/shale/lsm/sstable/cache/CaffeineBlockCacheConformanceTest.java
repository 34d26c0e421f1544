package dev.shale.lsm.sstable.cache;

import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.tck.cache.BlockCacheConformanceTest;

/** The "caffeine" cache passes the block cache conformance suite. */
class CaffeineBlockCacheConformanceTest extends BlockCacheConformanceTest {
  @Override
  protected BlockCacheProvider provider() {
    return new CaffeineBlockCacheProvider();
  }
}
