package dev.shale.lsm.spi.cache;

/** A property a {@link BlockCacheProvider} may declare. Undeclared means unsupported. */
public enum BlockCacheCapability {
  /**
   * Blocks are kept: a second {@link BlockCache#get} of a key loaded before (and not evicted or
   * invalidated) is a hit that does not call the loader. Without it every get loads.
   */
  RETAINS_BLOCKS,
  /** Concurrent gets of one missing key call the loader once; the others wait for its result. */
  SINGLE_FLIGHT_LOADS
}
