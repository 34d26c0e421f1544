package dev.shale.lsm.tck.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small block cache on a {@link LinkedHashMap} under one lock (so loads are single-flight), in
 * the shape a plugin author writes first. {@link Order#LRU} is correct; the other orders are the
 * eviction bugs {@link BrokenBlockCaches} seeds, all declaring {@link
 * BlockCacheCapability#LRU_EVICTION}.
 */
final class LinkedBlockCache implements BlockCache {

  /** Which block goes first when the cache is over its capacity. */
  enum Order {
    /** The least recently used: correct. */
    LRU,
    /** The oldest loaded, ignoring use: a map without {@code accessOrder = true}. */
    FIFO,
    /** The most recently used: the wrong end of the access-ordered map. */
    MRU
  }

  /** A provider of such caches. */
  static BlockCacheProvider provider(String name, Order order) {
    return new BlockCacheProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<BlockCacheCapability> capabilities() {
        return Set.of(
            BlockCacheCapability.RETAINS_BLOCKS,
            BlockCacheCapability.SINGLE_FLIGHT_LOADS,
            BlockCacheCapability.LRU_EVICTION);
      }

      @Override
      public BlockCache create(long capacityBytes) {
        return new LinkedBlockCache(capacityBytes, order);
      }
    };
  }

  private record Key(long fileId, long offset) {}

  private final long capacity;
  private final Order order;
  private final LinkedHashMap<Key, CacheableBlock> blocks;
  private long used;
  private long hits;
  private long misses;
  private long loads;
  private long evictions;
  private boolean closed;

  private LinkedBlockCache(long capacity, Order order) {
    this.capacity = capacity;
    this.order = order;
    this.blocks = new LinkedHashMap<>(16, 0.75f, order != Order.FIFO);
  }

  @Override
  public synchronized <B extends CacheableBlock> B get(
      long fileId, long offset, BlockLoader<B> loader) throws IOException {
    ensureOpen();
    Key key = new Key(fileId, offset);
    CacheableBlock cached = blocks.get(key);
    if (cached != null) {
      hits++;
      @SuppressWarnings("unchecked") // one block type per key: see BlockCache
      B typed = (B) cached;
      return typed;
    }
    misses++;
    B loaded = Objects.requireNonNull(loader.load(), "the block loader returned null");
    loads++;
    if (loaded.sizeInBytes() <= capacity) {
      blocks.put(key, loaded);
      used += loaded.sizeInBytes();
      evict(key);
    }
    return loaded;
  }

  private void evict(Key justLoaded) {
    while (used > capacity) {
      Key victim = null;
      if (order == Order.MRU) {
        for (Key k : blocks.keySet()) {
          if (!k.equals(justLoaded)) {
            victim = k; // the last one visited is the most recently used other than the new block
          }
        }
      } else {
        victim = blocks.keySet().iterator().next();
      }
      CacheableBlock gone = Objects.requireNonNull(blocks.remove(Objects.requireNonNull(victim)));
      used -= gone.sizeInBytes();
      evictions++;
    }
  }

  @Override
  public synchronized @Nullable CacheableBlock getIfPresent(long fileId, long offset) {
    ensureOpen();
    CacheableBlock cached = blocks.get(new Key(fileId, offset));
    if (cached == null) {
      misses++;
    } else {
      hits++;
    }
    return cached;
  }

  @Override
  public synchronized void invalidateFile(long fileId) {
    Iterator<Map.Entry<Key, CacheableBlock>> it = blocks.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, CacheableBlock> entry = it.next();
      if (entry.getKey().fileId() == fileId) {
        used -= entry.getValue().sizeInBytes();
        it.remove();
      }
    }
  }

  @Override
  public synchronized BlockCacheStats stats() {
    return new BlockCacheStats(hits, misses, loads, evictions, used, blocks.size());
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public synchronized void close() {
    closed = true;
    blocks.clear();
    used = 0;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the block cache is closed");
    }
  }
}
