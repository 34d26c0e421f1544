package dev.shale.lsm.sstable.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** A {@link BlockCache} that keeps nothing: every get is a miss that loads. Thread-safe. */
final class NoBlockCache implements BlockCache {
  private final long capacity;
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private volatile boolean closed;

  NoBlockCache(long capacity) {
    this.capacity = capacity;
  }

  @Override
  public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
      throws IOException {
    ensureOpen();
    misses.increment();
    B block = loader.load();
    loads.increment();
    return block;
  }

  @Override
  public @Nullable CacheableBlock getIfPresent(long fileId, long offset) {
    ensureOpen();
    misses.increment();
    return null;
  }

  @Override
  public void invalidateFile(long fileId) {}

  @Override
  public BlockCacheStats stats() {
    return new BlockCacheStats(0, misses.sum(), loads.sum(), 0, 0, 0);
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the block cache is closed");
    }
  }
}
