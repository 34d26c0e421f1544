package dev.shale.lsm.spi.cache;

/** A property a {@link BlockCacheProvider} may declare. Undeclared means unsupported. */
public enum BlockCacheCapability {
  /**
   * Blocks are kept: a second {@link BlockCache#get} of a key loaded before (and not evicted or
   * invalidated) is a hit that returns the cached block itself without calling the loader. Without
   * it every get loads, {@link BlockCache#getIfPresent} finds nothing, and the cache holds no
   * bytes.
   */
  RETAINS_BLOCKS,
  /** Concurrent gets of one missing key call the loader once; the others wait for its result. */
  SINGLE_FLIGHT_LOADS,
  /**
   * Eviction is least-recently-used: when blocks must go to bring the held weight back within the
   * capacity, the blocks whose last use is oldest go first, where a use is a load or a hit of
   * {@link BlockCache#get} or {@link BlockCache#getIfPresent}. So after {@link
   * BlockCache#cleanUp()} the cache holds the most recently used blocks that fit. Only meaningful
   * with {@link #RETAINS_BLOCKS}. Without it the policy is the provider's own (Caffeine's W-TinyLFU
   * may refuse to admit a new block that is used less often than the ones it would displace).
   */
  LRU_EVICTION
}
