package dev.shale.lsm.spi.cache;

/**
 * Block cache counters.
 *
 * @param hits {@code get} and {@code getIfPresent} calls answered from the cache
 * @param misses {@code get} calls that had to load and {@code getIfPresent} calls that found
 *     nothing: every call is either a hit or a miss
 * @param loads successful loads
 * @param evictions blocks evicted for capacity
 * @param usedBytes weight of the blocks held now
 * @param entries blocks held now
 */
public record BlockCacheStats(
    long hits, long misses, long loads, long evictions, long usedBytes, long entries) {

  /** Hits over gets, or 0 before the first get. */
  public double hitRatio() {
    long gets = hits + misses;
    return gets == 0 ? 0 : (double) hits / gets;
  }
}
