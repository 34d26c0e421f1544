package dev.shale.lsm.tck.cache;

import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken {@link BlockCacheProvider} wrappers, each with one defect and the delegate's
 * declarations, so anyone can check that {@link BlockCacheConformanceTest} catches that defect.
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
