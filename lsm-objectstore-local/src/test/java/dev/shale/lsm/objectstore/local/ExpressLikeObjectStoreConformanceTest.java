package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ExpressLikeObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * An S3 Express-like store (unsorted listing, start-after ignored, 409 conflicts on overlapping
 * conditional puts) over the memory store passes the suite: the suite does not lean on sorted
 * listings or on conditional puts never conflicting.
 */
class ExpressLikeObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  @Override
  protected ObjectStore newStore() {
    return new ExpressLikeObjectStore(
        new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of()),
        42);
  }
}
