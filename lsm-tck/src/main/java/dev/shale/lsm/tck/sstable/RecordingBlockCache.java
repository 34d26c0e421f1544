package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An unbounded map-backed block cache that counts what a table reader asks of it, so the suite does
 * not depend on any cache implementation. When {@code retains} is false it keeps nothing.
 */
final class RecordingBlockCache implements BlockCache {
  private final boolean retains;
  private final Map<List<Long>, CacheableBlock> blocks = new ConcurrentHashMap<>();
  final AtomicLong gets = new AtomicLong();
  final AtomicLong getIfPresents = new AtomicLong();
  final AtomicLong loads = new AtomicLong();
  final Map<Long, Long> invalidated = new ConcurrentHashMap<>();

  RecordingBlockCache(boolean retains) {
    this.retains = retains;
  }

  @Override
  public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
      throws IOException {
    gets.incrementAndGet();
    List<Long> key = List.of(fileId, offset);
    CacheableBlock cached = blocks.get(key);
    if (cached != null) {
      @SuppressWarnings("unchecked")
      B typed = (B) cached;
      return typed;
    }
    B loaded = loader.load();
    loads.incrementAndGet();
    if (retains) {
      blocks.put(key, loaded);
    }
    return loaded;
  }

  @Override
  public @Nullable CacheableBlock getIfPresent(long fileId, long offset) {
    getIfPresents.incrementAndGet();
    return blocks.get(List.of(fileId, offset));
  }

  @Override
  public void invalidateFile(long fileId) {
    invalidated.merge(fileId, 1L, Long::sum);
    blocks.keySet().removeIf(k -> k.get(0) == fileId);
  }

  /** Blocks held for {@code fileId}. */
  long blocksOf(long fileId) {
    return blocks.keySet().stream().filter(k -> k.get(0) == fileId).count();
  }

  @Override
  public BlockCacheStats stats() {
    long used = blocks.values().stream().mapToLong(CacheableBlock::sizeInBytes).sum();
    return new BlockCacheStats(0, 0, loads.get(), 0, used, blocks.size());
  }

  @Override
  public long capacityBytes() {
    return Long.MAX_VALUE;
  }

  @Override
  public void close() {
    blocks.clear();
  }
}
