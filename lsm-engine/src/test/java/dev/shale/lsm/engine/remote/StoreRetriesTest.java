package dev.shale.lsm.engine.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Fault;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Operation;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreRetries}: transient failures are retried until the deadline, a failed precondition
 * never is, and a create-only put whose answer was lost is resolved by its put id.
 */
class StoreRetriesTest {
  private final String bucket = "retries-" + UUID.randomUUID();
  private final ObjectStore memory =
      new MemoryObjectStoreProvider().open(URI.create("mem://" + bucket), Map.of());
  private final FaultInjectingObjectStore store = new FaultInjectingObjectStore(memory);

  @AfterEach
  void discard() {
    MemoryObjectStoreProvider.discard(bucket);
  }

  @Test
  void transientFailuresAreRetriedAndCounted() throws IOException {
    store.failTimes(Operation.PUT, k -> true, 3, Fault.throttled());
    StoreRetries retries = new StoreRetries(10_000);
    assertTrue(retries.putIfAbsent(store, "k", "v".getBytes(UTF_8), "me/1"));
    assertEquals(3, retries.retries());
    assertArrayEquals("v".getBytes(UTF_8), memory.get("k"));
  }

  @Test
  void aFailureOutlastingTheDeadlineSaysWhatFailedAndHowOften() {
    store.failRandomly(Operation.GET, 1.0, Fault.throttled());
    StoreRetries retries = new StoreRetries(100);
    IOException e =
        assertThrows(IOException.class, () -> retries.call("read it", () -> store.get("k")));
    assertTrue(e.getMessage().startsWith("read it failed after"), e.getMessage());
  }

  @Test
  void aFailedPreconditionIsNeverRetried() throws IOException {
    memory.put("k", new byte[] {1}, PutOptions.unconditional());
    StoreRetries retries = new StoreRetries(10_000);
    assertThrows(
        PreconditionFailedException.class,
        () -> retries.call("put", () -> store.put("k", new byte[] {2}, PutOptions.ifAbsent())));
    assertEquals(0, retries.retries());
  }

  @Test
  void aPutAppliedThenTimedOutIsOursAndSomeoneElsesIsNot() throws IOException {
    store.failNext(Operation.PUT, Fault.appliedThenTimeout());
    StoreRetries retries = new StoreRetries(10_000);
    assertTrue(retries.putIfAbsent(store, "mine", new byte[] {1}, "me/1"), "our earlier attempt");
    memory.put("theirs", new byte[] {2}, PutOptions.ifAbsent("them/1"));
    assertFalse(retries.putIfAbsent(store, "theirs", new byte[] {3}, "me/2"), "someone else's");
    assertArrayEquals(new byte[] {2}, memory.get("theirs"), "never overwritten");
  }
}
