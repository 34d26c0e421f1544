package dev.shale.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module exports and provides. */
class CompactionModuleTest {

  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.compaction"),
        ModuleExports.exportedPackages(LeveledCompactionProvider.class));
  }

  @Test
  void providesBothStrategies() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.compaction.CompactionStrategyProvider with"
                + " dev.shale.lsm.compaction.LeveledCompactionProvider",
            "dev.shale.lsm.spi.compaction.CompactionStrategyProvider with"
                + " dev.shale.lsm.compaction.TieredCompactionProvider"),
        ModuleExports.providedServices(LeveledCompactionProvider.class));
  }

  @Test
  void serviceLoaderFindsThemByName() {
    ProviderRegistry<CompactionStrategyProvider> registry =
        ProviderRegistry.installed(CompactionStrategyProvider.class);
    assertInstanceOf(LeveledCompactionProvider.class, registry.get("leveled"));
    assertInstanceOf(TieredCompactionProvider.class, registry.get("tiered"));
  }
}
