package dev.shale.lsm.spi.cache;

import java.io.IOException;

/**
 * Loads a block missing from the cache (reads, checks and decodes it).
 *
 * @param <B> the block type
 */
@FunctionalInterface
public interface BlockLoader<B extends CacheableBlock> {
  B load() throws IOException;
}
