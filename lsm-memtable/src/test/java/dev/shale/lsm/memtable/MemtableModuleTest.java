package dev.shale.lsm.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module shows the world: one exported package and two providers. */
class MemtableModuleTest {

  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.memtable"),
        ModuleExports.exportedPackages(SkipListMemtableProvider.class));
  }

  @Test
  void providesBothMemtables() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.memtable.MemtableProvider with"
                + " dev.shale.lsm.memtable.SkipListMemtableProvider",
            "dev.shale.lsm.spi.memtable.MemtableProvider with"
                + " dev.shale.lsm.memtable.VectorMemtableProvider"),
        ModuleExports.providedServices(SkipListMemtableProvider.class));
  }

  @Test
  void serviceLoaderFindsBothByName() {
    ProviderRegistry<MemtableProvider> installed =
        ProviderRegistry.installed(MemtableProvider.class);
    assertEquals(
        SkipListMemtableProvider.class, installed.get("skiplist").getClass(), "META-INF/services");
    assertEquals(VectorMemtableProvider.class, installed.get("vector").getClass());
  }

  @Test
  void capabilitiesAreAsDocumented() {
    assertEquals(
        EnumSet.of(
            MemtableCapability.CONCURRENT_INSERT, MemtableCapability.FAST_READS_WHILE_WRITING),
        new SkipListMemtableProvider().capabilities());
    assertEquals(Set.of(), new VectorMemtableProvider().capabilities());
  }
}
