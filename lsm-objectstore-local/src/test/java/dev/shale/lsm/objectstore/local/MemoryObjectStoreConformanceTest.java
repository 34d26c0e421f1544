package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The in-memory store passes the conformance suite. */
class MemoryObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  @Override
  protected ObjectStore newStore() {
    return new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of());
  }

  @Override
  protected Optional<ProviderTarget> providerTarget() {
    return Optional.of(
        new ProviderTarget(
            new MemoryObjectStoreProvider(), URI.create("mem://" + UUID.randomUUID()), Map.of()));
  }
}
