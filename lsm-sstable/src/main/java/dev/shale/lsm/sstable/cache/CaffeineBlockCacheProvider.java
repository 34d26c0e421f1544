package dev.shale.lsm.sstable.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * Block caches on Caffeine, provider name {@code "caffeine"}: bounded by the bytes of the blocks
 * held (W-TinyLFU eviction), one load per missing block however many threads ask for it, hits,
 * misses, loads and evictions counted. Eviction runs on the inserting thread, so the capacity holds
 * after each insert. Stateless and thread-safe; its caches are thread-safe.
 */
public final class CaffeineBlockCacheProvider implements BlockCacheProvider {
  /** The provider name. */
  public static final String NAME = "caffeine";

  private static final Set<BlockCacheCapability> CAPABILITIES =
      Set.copyOf(
          EnumSet.of(
              BlockCacheCapability.RETAINS_BLOCKS, BlockCacheCapability.SINGLE_FLIGHT_LOADS));

  /** A provider; {@link java.util.ServiceLoader} calls this. */
  public CaffeineBlockCacheProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<BlockCacheCapability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code capacityBytes} is negative
   */
  @Override
  public BlockCache create(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException(
          "block cache capacity must not be negative, was " + capacityBytes);
    }
    return new CaffeineBlockCache(capacityBytes);
  }
}
