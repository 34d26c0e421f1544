package dev.shale.lsm.spi.cache;

import dev.shale.lsm.spi.NamedProvider;
import java.util.Set;

/** Creates block caches of one kind. Stateless and thread-safe. */
public interface BlockCacheProvider extends NamedProvider {

  /**
   * What this provider's caches do, the same set on every call; anything not listed counts as
   * unsupported.
   */
  Set<BlockCacheCapability> capabilities();

  /**
   * A new, empty cache (all {@link BlockCacheStats} zero) holding at most {@code capacityBytes} of
   * blocks, which {@link BlockCache#capacityBytes()} returns.
   */
  BlockCache create(long capacityBytes);
}
