package dev.shale.lsm.tck.cache;

import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.tck.KillRate;
import dev.shale.lsm.tck.KillRate.Seeded;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block cache suite's kill rate against the seeded bugs of {@link BrokenBlockCaches}. */
class BlockCacheKillRateTest {

  private static BlockCacheProvider lru() {
    return LinkedBlockCache.provider("reference-lru", LinkedBlockCache.Order.LRU);
  }

  @Test
  void everySeededBugIsCaught() {
    KillRate.measure(
        "block cache",
        Reference.class,
        List.of(
            new Seeded(
                "ignores-capacity", IgnoresCapacity.class, "capacityIsRespectedAfterCleanUp"),
            new Seeded(
                "loads-every-time",
                LoadsEveryTime.class,
                "withRetainingASecondGetIsAHitWithoutLoading"),
            new Seeded(
                "invalidates-nothing",
                InvalidatesNothing.class,
                "invalidateFileDropsExactlyThatFilesBlocks"),
            new Seeded("counts-no-hits", CountsNoHits.class, "statsAreConsistent"),
            new Seeded(
                "used-bytes-never-shrink",
                UsedBytesNeverShrink.class,
                "weightAndEvictionsAreAccountedExactly"),
            new Seeded("fifo-instead-of-lru", Fifo.class, "lruEvictsTheLeastRecentlyUsedBlocks"),
            new Seeded(
                "evicts-most-recently-used", Mru.class, "lruEvictsTheLeastRecentlyUsedBlocks")));
  }

  static class Reference extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return lru();
    }
  }

  static class IgnoresCapacity extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.ignoresCapacity(lru());
    }
  }

  static class LoadsEveryTime extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.loadsEveryTime(lru());
    }
  }

  static class InvalidatesNothing extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.invalidatesNothing(lru());
    }
  }

  static class CountsNoHits extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.countsNoHits(lru());
    }
  }

  static class UsedBytesNeverShrink extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.usedBytesNeverShrinks(lru());
    }
  }

  static class Fifo extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.fifoInsteadOfLru();
    }
  }

  static class Mru extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.evictsMostRecentlyUsed();
    }
  }
}
