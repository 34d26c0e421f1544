package dev.shale.lsm.objectstore.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.HashSet;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module exports and provides. */
class LocalModuleTest {
  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.objectstore.local"),
        ModuleExports.exportedPackages(LocalObjectStoreProvider.class));
  }

  @Test
  void providesBothStores() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.objectstore.ObjectStoreProvider with"
                + " dev.shale.lsm.objectstore.local.LocalObjectStoreProvider",
            "dev.shale.lsm.spi.objectstore.ObjectStoreProvider with"
                + " dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider"),
        ModuleExports.providedServices(LocalObjectStoreProvider.class));
  }

  @Test
  void serviceLoaderFindsThemOnTheClassPath() {
    Set<String> names = new HashSet<>();
    for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class)) {
      names.add(p.name() + " " + p.schemes());
    }
    assertTrue(names.contains("local [file]"), names.toString());
    assertTrue(names.contains("memory [mem]"), names.toString());
  }
}
