package dev.shale.lsm.objectstore.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import dev.shale.lsm.tck.objectstore.ExpressLikeObjectStore;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Express-like wrapper lists unsorted, ignores start-after, and answers 409s. */
class ExpressLikeObjectStoreTest {
  private final ObjectStore memory =
      new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of());

  @Test
  void capabilitiesDropSortingAndStartAfter() {
    ObjectStore s = new ExpressLikeObjectStore(memory, 1);
    assertFalse(s.capabilities().contains(ObjectStoreCapability.SORTED_LISTING));
    assertFalse(s.capabilities().contains(ObjectStoreCapability.LIST_START_AFTER));
    assertTrue(s.capabilities().contains(ObjectStoreCapability.PUT_IF_ABSENT));
  }

  @Test
  void listingIsUnsortedAndStartAfterIgnored() throws IOException {
    List<String> sorted = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String k = String.format("wal/%03d", i);
      memory.put(k, new byte[1], PutOptions.unconditional());
      sorted.add(k);
    }
    ObjectStore s = new ExpressLikeObjectStore(memory, 7);
    List<String> listed = new ArrayList<>();
    for (ObjectInfo o : s.list("wal/", null, 100).objects()) {
      listed.add(o.key());
    }
    assertNotEquals(sorted, listed, "30 keys shuffled should not come back sorted");
    assertEquals(30, s.list("wal/", "wal/020", 100).objects().size(), "start-after is ignored");
    ListPage first = s.list("wal/", null, 10);
    String token = first.nextStartAfter();
    assertNotNull(token);
    assertEquals(10, s.list("wal/", token, 10).objects().size(), "its own tokens continue");
  }

  @Test
  void overlappingConditionalPutsMayConflictButPlainOnesNever() throws Exception {
    ExpressLikeObjectStore s = new ExpressLikeObjectStore(memory, 3, 0.0, 1.0);
    assertThrows(
        TransientStoreException.class, () -> s.put("k", new byte[1], PutOptions.ifAbsent()));
    assertFalse(memory.head("k").isPresent(), "a 409 is not applied");
    s.put("k", new byte[1], PutOptions.unconditional());
    assertEquals(1, s.conflicts());
  }
}
