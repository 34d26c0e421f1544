package dev.shale.lsm.tck.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken block caches, each with one defect, so anyone can check that {@link
 * BlockCacheConformanceTest} catches that defect: wrappers that keep the delegate's declarations,
 * and stand-alone caches whose eviction breaks the {@link BlockCacheCapability#LRU_EVICTION} they
 * declare.
 */
public final class BrokenBlockCaches {
  private BrokenBlockCaches() {}

  /** Caches are created with a practically unbounded capacity but report the one asked for. */
  public static BlockCacheProvider ignoresCapacity(BlockCacheProvider delegate) {
    return new Wrapper(delegate) {
      @Override
      public BlockCache create(long capacityBytes) {
        return new ForwardingCache(delegate.create(Long.MAX_VALUE / 2)) {
          @Override
          public long capacityBytes() {
            return capacityBytes;
          }
        };
      }
    };
  }

  /** Every get calls the loader, cached or not (and concurrent gets each load). */
  public static BlockCacheProvider loadsEveryTime(BlockCacheProvider delegate) {
    return new Wrapper(delegate) {
      @Override
      public BlockCache create(long capacityBytes) {
        return new ForwardingCache(delegate.create(capacityBytes)) {
          @Override
          public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
              throws IOException {
            B fresh = loader.load();
            B cached = super.get(fileId, offset, () -> fresh);
            return cached;
          }
        };
      }
    };
  }

  /** {@code invalidateFile} does nothing. */
  public static BlockCacheProvider invalidatesNothing(BlockCacheProvider delegate) {
    return new Wrapper(delegate) {
      @Override
      public BlockCache create(long capacityBytes) {
        return new ForwardingCache(delegate.create(capacityBytes)) {
          @Override
          public void invalidateFile(long fileId) {}
        };
      }
    };
  }

  /** Stats never count hits. */
  public static BlockCacheProvider countsNoHits(BlockCacheProvider delegate) {
    return new Wrapper(delegate) {
      @Override
      public BlockCache create(long capacityBytes) {
        return new ForwardingCache(delegate.create(capacityBytes)) {
          @Override
          public BlockCacheStats stats() {
            BlockCacheStats s = super.stats();
            return new BlockCacheStats(
                0, s.misses(), s.loads(), s.evictions(), s.usedBytes(), s.entries());
          }
        };
      }
    };
  }

  /**
   * Counts the weight of every block it loads in {@code usedBytes} and never subtracts what it
   * evicts or invalidates.
   */
  public static BlockCacheProvider usedBytesNeverShrinks(BlockCacheProvider delegate) {
    return new Wrapper(delegate) {
      @Override
      public BlockCache create(long capacityBytes) {
        AtomicLong loadedBytes = new AtomicLong();
        return new ForwardingCache(delegate.create(capacityBytes)) {
          @Override
          public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
              throws IOException {
            return super.get(
                fileId,
                offset,
                () -> {
                  B block = loader.load();
                  loadedBytes.addAndGet(block.sizeInBytes());
                  return block;
                });
          }

          @Override
          public BlockCacheStats stats() {
            BlockCacheStats s = super.stats();
            return new BlockCacheStats(
                s.hits(), s.misses(), s.loads(), s.evictions(), loadedBytes.get(), s.entries());
          }
        };
      }
    };
  }

  /**
   * A stand-alone cache (a {@link java.util.LinkedHashMap} without {@code accessOrder = true}) that
   * declares {@link BlockCacheCapability#LRU_EVICTION} but evicts in load order, ignoring use.
   */
  public static BlockCacheProvider fifoInsteadOfLru() {
    return LinkedBlockCache.provider("fifo-instead-of-lru", LinkedBlockCache.Order.FIFO);
  }

  /**
   * A stand-alone cache that declares {@link BlockCacheCapability#LRU_EVICTION} but evicts the most
   * recently used block (other than the one just loaded) instead of the least.
   */
  public static BlockCacheProvider evictsMostRecentlyUsed() {
    return LinkedBlockCache.provider("evicts-most-recently-used", LinkedBlockCache.Order.MRU);
  }

  private abstract static class Wrapper implements BlockCacheProvider {
    private final BlockCacheProvider delegate;

    Wrapper(BlockCacheProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Set<BlockCacheCapability> capabilities() {
      return delegate.capabilities();
    }
  }

  private static class ForwardingCache implements BlockCache {
    private final BlockCache delegate;

    ForwardingCache(BlockCache delegate) {
      this.delegate = delegate;
    }

    @Override
    public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
        throws IOException {
      return delegate.get(fileId, offset, loader);
    }

    @Override
    public @Nullable CacheableBlock getIfPresent(long fileId, long offset) {
      return delegate.getIfPresent(fileId, offset);
    }

    @Override
    public void invalidateFile(long fileId) {
      delegate.invalidateFile(fileId);
    }

    @Override
    public BlockCacheStats stats() {
      return delegate.stats();
    }

    @Override
    public long capacityBytes() {
      return delegate.capacityBytes();
    }

    @Override
    public void cleanUp() {
      delegate.cleanUp();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
