package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** The local directory store passes the conformance suite. */
class LocalObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  @Override
  protected ObjectStore newStore() throws IOException {
    return new LocalObjectStoreProvider().open(TestDirectories.fresh().toUri(), Map.of());
  }

  @Override
  protected Optional<ProviderTarget> providerTarget() {
    return Optional.of(
        new ProviderTarget(
            new LocalObjectStoreProvider(), TestDirectories.fresh().toUri(), Map.of()));
  }
}
