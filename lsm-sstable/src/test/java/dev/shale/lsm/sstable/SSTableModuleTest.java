package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider;
import dev.shale.lsm.sstable.cache.NoBlockCacheProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins the module's exports and services, and that the providers are found by name. */
class SSTableModuleTest {

  @Test
  void exportsOnlyTheProviderPackages() {
    assertEquals(
        Set.of("dev.shale.lsm.sstable", "dev.shale.lsm.sstable.cache"),
        ModuleExports.exportedPackages(BlockTableFormat.class));
  }

  @Test
  void providesTheFormatAndBothCaches() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.sstable.SSTableFormat with dev.shale.lsm.sstable.BlockTableFormat",
            "dev.shale.lsm.spi.cache.BlockCacheProvider with"
                + " dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider",
            "dev.shale.lsm.spi.cache.BlockCacheProvider with"
                + " dev.shale.lsm.sstable.cache.NoBlockCacheProvider"),
        ModuleExports.providedServices(BlockTableFormat.class));
  }

  @Test
  void providersAreFoundByName() {
    assertInstanceOf(
        BlockTableFormat.class, ProviderRegistry.installed(SSTableFormat.class).get("block"));
    ProviderRegistry<BlockCacheProvider> caches =
        ProviderRegistry.installed(BlockCacheProvider.class);
    assertInstanceOf(CaffeineBlockCacheProvider.class, caches.get("caffeine"));
    assertInstanceOf(NoBlockCacheProvider.class, caches.get("none"));
  }
}
