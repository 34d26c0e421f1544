package dev.shale.lsm.sstable.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.sstable.SuiteFailures;
import dev.shale.lsm.tck.cache.BlockCacheConformanceTest;
import dev.shale.lsm.tck.cache.BrokenBlockCaches;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The block cache suite fails every deliberately broken cache, on the test aimed at it. */
class BrokenBlockCachesTest {

  private static void assertFails(Class<?> suite, String... expected) {
    Set<String> failed = SuiteFailures.of(suite);
    for (String name : expected) {
      assertTrue(
          failed.contains(name),
          () -> suite.getSimpleName() + ": expected " + name + " to fail; failed: " + failed);
    }
  }

  @Test
  void ignoringTheCapacityIsCaught() {
    assertFails(IgnoresCapacity.class, "capacityIsRespectedAfterCleanUp");
  }

  @Test
  void loadingEveryTimeIsCaught() {
    assertFails(
        LoadsEveryTime.class,
        "withRetainingASecondGetIsAHitWithoutLoading",
        "concurrentGetsOfOneMissingBlockLoadOnce",
        "statsAreConsistent");
  }

  @Test
  void invalidatingNothingIsCaught() {
    assertFails(InvalidatesNothing.class, "invalidateFileDropsExactlyThatFilesBlocks");
  }

  @Test
  void missingHitCountsAreCaught() {
    assertFails(
        CountsNoHits.class, "statsAreConsistent", "withRetainingASecondGetIsAHitWithoutLoading");
  }

  static final class IgnoresCapacity extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.ignoresCapacity(new CaffeineBlockCacheProvider());
    }
  }

  static final class LoadsEveryTime extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.loadsEveryTime(new CaffeineBlockCacheProvider());
    }
  }

  static final class InvalidatesNothing extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.invalidatesNothing(new CaffeineBlockCacheProvider());
    }
  }

  static final class CountsNoHits extends BlockCacheConformanceTest {
    @Override
    protected BlockCacheProvider provider() {
      return BrokenBlockCaches.countsNoHits(new CaffeineBlockCacheProvider());
    }
  }
}
