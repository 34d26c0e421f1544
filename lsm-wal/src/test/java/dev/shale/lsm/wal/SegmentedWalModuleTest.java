package dev.shale.lsm.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module shows the world: one exported package, one provided service. */
class SegmentedWalModuleTest {

  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.wal"), ModuleExports.exportedPackages(SegmentedWalProvider.class));
  }

  @Test
  void providesTheSegmentedWalProvider() {
    assertEquals(
        Set.of("dev.shale.lsm.spi.wal.WalProvider with dev.shale.lsm.wal.SegmentedWalProvider"),
        ModuleExports.providedServices(SegmentedWalProvider.class));
  }

  @Test
  void theProviderIsFoundByNameOnTheClassPath() {
    WalProvider provider = ProviderRegistry.installed(WalProvider.class).get("segmented");
    assertInstanceOf(SegmentedWalProvider.class, provider);
  }

  @Test
  void theOnlyPublicTypeIsTheProvider() {
    for (Class<?> type :
        new Class<?>[] {
          SegmentFormat.class, SegmentScanner.class, SegmentedLog.class, LogRecovery.class
        }) {
      assertEquals(
          0,
          type.getModifiers() & java.lang.reflect.Modifier.PUBLIC,
          type.getSimpleName() + " must stay package-private");
    }
  }
}
