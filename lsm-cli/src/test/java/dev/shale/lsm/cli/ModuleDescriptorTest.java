package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.tck.ModuleExports;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins the module: it exports nothing, provides its logging setup, and opens to picocli only. */
class ModuleDescriptorTest {

  @Test
  void exportsNothing() {
    assertEquals(Set.of(), ModuleExports.exportedPackages(ShaleCommand.class));
  }

  @Test
  void providesOnlyItsLoggingSetup() {
    assertEquals(
        Set.of("ch.qos.logback.classic.spi.Configurator with dev.shale.lsm.cli.StderrLogging"),
        ModuleExports.providedServices(ShaleCommand.class));
  }

  @Test
  void opensTheCommandsToPicocliAlone() {
    ModuleDescriptor descriptor = ModuleExports.descriptorOf(ShaleCommand.class);
    assertEquals("dev.shale.lsm.cli", descriptor.name());
    assertEquals(1, descriptor.opens().size());
    ModuleDescriptor.Opens opens = descriptor.opens().iterator().next();
    assertEquals("dev.shale.lsm.cli", opens.source());
    assertEquals(Set.of("info.picocli"), opens.targets());
  }
}
