package dev.shale.lsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchModuleTest {

  @Test
  void exportsOnlyTheRunnerPackageAndProvidesNothing() {
    assertEquals(Set.of("dev.shale.lsm.bench"), ModuleExports.exportedPackages(DbBench.class));
    assertEquals(Set.of(), ModuleExports.providedServices(DbBench.class));
  }
}
