package dev.shale.lsm.tck.cache;

/** The block cache conformance suite (being written). */
public abstract class BlockCacheConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.cache.BlockCacheProvider provider();
}
