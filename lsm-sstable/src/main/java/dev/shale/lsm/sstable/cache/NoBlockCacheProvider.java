package dev.shale.lsm.sstable.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import java.util.Set;

/**
 * Block "caches" that hold nothing, provider name {@code "none"}: every get loads. For benchmarks
 * of the uncached path and as proof that the block cache SPI is swappable. Declares no capability.
 * Stateless and thread-safe; its caches are thread-safe.
 */
public final class NoBlockCacheProvider implements BlockCacheProvider {
  /** The provider name. */
  public static final String NAME = "none";

  /** A provider; {@link java.util.ServiceLoader} calls this. */
  public NoBlockCacheProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<BlockCacheCapability> capabilities() {
    return Set.of();
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
    return new NoBlockCache(capacityBytes);
  }
}
