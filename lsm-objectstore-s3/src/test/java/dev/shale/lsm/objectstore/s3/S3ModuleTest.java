package dev.shale.lsm.objectstore.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module exports and provides. */
class S3ModuleTest {
  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.objectstore.s3"),
        ModuleExports.exportedPackages(S3ObjectStoreProvider.class));
  }

  @Test
  void providesTheS3Store() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.objectstore.ObjectStoreProvider with"
                + " dev.shale.lsm.objectstore.s3.S3ObjectStoreProvider"),
        ModuleExports.providedServices(S3ObjectStoreProvider.class));
  }

  @Test
  void serviceLoaderFindsItOnTheClassPath() {
    boolean found = false;
    for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class)) {
      found |= p.name().equals("s3") && p.schemes().equals(Set.of("s3"));
    }
    assertTrue(found);
  }
}
