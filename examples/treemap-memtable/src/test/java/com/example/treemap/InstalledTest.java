package com.example.treemap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import org.junit.jupiter.api.Test;

/** The engine finds the plugin by name, as {@code Shale.builder(dir).memtable(name)} would. */
class InstalledTest {
  @Test
  void theProviderIsFoundByName() {
    MemtableProvider found =
        ProviderRegistry.installed(MemtableProvider.class).get("example-treemap");
    assertEquals(TreeMapMemtableProvider.class, found.getClass());
  }
}
