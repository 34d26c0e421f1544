package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/** With no faults armed, the fault-injecting wrapper is transparent: it passes the suite. */
class FaultInjectingObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  @Override
  protected ObjectStore newStore() {
    return new FaultInjectingObjectStore(
        new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of()));
  }
}
