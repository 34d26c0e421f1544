package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.util.Map;

/** The local directory store passes the conformance suite. */
class LocalObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  @Override
  protected ObjectStore newStore() throws IOException {
    return new LocalObjectStoreProvider().open(TestDirectories.fresh().toUri(), Map.of());
  }
}
