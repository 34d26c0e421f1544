package dev.shale.lsm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what lsm-server exports: the server, the client and the generated wire types. */
class ModuleDescriptorTest {
  @Test
  void exportsTheServerTheClientAndTheWireTypesOnly() {
    assertEquals(
        Set.of("dev.shale.lsm.server", "dev.shale.lsm.client", "dev.shale.lsm.server.v1"),
        ModuleExports.exportedPackages(ShaleServer.class));
  }
}
