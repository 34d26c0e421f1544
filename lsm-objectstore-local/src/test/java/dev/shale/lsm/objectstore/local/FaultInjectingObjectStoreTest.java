package dev.shale.lsm.objectstore.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Fault;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Operation;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.PausePoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fault-injecting wrapper does what engine tests will rely on. */
class FaultInjectingObjectStoreTest {
  private final ObjectStore memory =
      new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of());
  private final FaultInjectingObjectStore store = new FaultInjectingObjectStore(memory, 1);

  @Test
  void scriptedFailuresHitTheNextMatchingCallsOnly() throws IOException {
    store.failNext(
        Operation.PUT,
        FaultInjectingObjectStore.keysStartingWith("wal/"),
        Fault.ioException("disk"));
    store.put("sst/1", new byte[1], PutOptions.unconditional()); // not matching
    IOException e =
        assertThrows(
            IOException.class, () -> store.put("wal/1", new byte[1], PutOptions.unconditional()));
    assertTrue(e.getMessage().contains("injected"), e.getMessage());
    assertEquals(Optional.empty(), memory.head("wal/1"), "a thrown fault is not applied");
    store.put("wal/1", new byte[1], PutOptions.unconditional());
    assertEquals(3, store.calls(Operation.PUT));
    assertEquals(1, store.injectedFailures(Operation.PUT));
  }

  @Test
  void throttlingIsTransientAndNotApplied() throws IOException {
    store.failTimes(Operation.PUT, FaultInjectingObjectStore.anyKey(), 2, Fault.throttled());
    for (int i = 0; i < 2; i++) {
      assertThrows(
          TransientStoreException.class, () -> store.put("k", new byte[1], PutOptions.ifAbsent()));
    }
    assertEquals(Optional.empty(), memory.head("k"));
    store.put("k", new byte[1], PutOptions.ifAbsent());
  }

  @Test
  void appliedThenTimeoutAppliesTheWrite() throws IOException {
    store.failNext(Operation.PUT, Fault.appliedThenTimeout());
    assertThrows(
        TransientStoreException.class,
        () -> store.put("wal/7", "x".getBytes(UTF_8), PutOptions.ifAbsent("mine")));
    assertEquals("mine", memory.head("wal/7").orElseThrow().metadata().get(PutOptions.PUT_ID));
  }

  @Test
  void customExceptionsAndDelays() throws IOException {
    store.failNext(Operation.GET, Fault.exception(() -> new NoSuchObjectException("ghost")));
    memory.put("ghost", new byte[1], PutOptions.unconditional());
    assertThrows(NoSuchObjectException.class, () -> store.get("ghost"));
    store.failNext(Operation.HEAD, Fault.delay(Duration.ofMillis(20)));
    assertTrue(store.head("ghost").isPresent(), "a delayed call still succeeds");
    assertThrows(IllegalArgumentException.class, () -> Fault.delay(Duration.ofMillis(-1)));
  }

  @Test
  void randomFailuresFollowTheSeed() throws IOException {
    store.failRandomly(Operation.DELETE, 0.5, Fault.ioException("flaky"));
    int failed = 0;
    for (int i = 0; i < 200; i++) {
      try {
        store.delete("k" + i);
      } catch (IOException e) {
        failed++;
      }
    }
    assertTrue(failed > 50 && failed < 150, "about half should fail: " + failed);
    assertEquals(failed, store.injectedFailures(Operation.DELETE));
    store.clearFaults();
    store.delete("k");
    assertThrows(
        IllegalArgumentException.class,
        () -> store.failRandomly(Operation.GET, 1.5, Fault.throttled()));
  }

  @Test
  void pauseBeforeHoldsACallUntilReleased() throws Exception {
    PausePoint pause = store.pauseBefore(Operation.PUT, k -> k.equals("wal/1"));
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                store.put("wal/1", new byte[1], PutOptions.ifAbsent("old-primary"));
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    assertTrue(pause.awaitReached(Duration.ofSeconds(30)));
    assertFalse(writer.isDone());
    // Another writer takes the slot while the first is stalled.
    memory.put("wal/1", new byte[0], PutOptions.ifAbsent("new-primary"));
    pause.release();
    Exception e = assertThrows(Exception.class, () -> writer.get(30, TimeUnit.SECONDS));
    assertTrue(
        e.getCause().getCause()
            instanceof dev.shale.lsm.spi.objectstore.PreconditionFailedException,
        e.toString());
    store.put("wal/2", new byte[1], PutOptions.ifAbsent()); // one-shot: later calls pass
  }

  @Test
  void pauseAfterApplyHoldsTheAcknowledgement() throws Exception {
    PausePoint pause = store.pauseAfterApply(Operation.PUT, FaultInjectingObjectStore.anyKey());
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                store.put("m/1", "v".getBytes(UTF_8), PutOptions.unconditional());
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    assertTrue(pause.awaitReached(Duration.ofSeconds(30)));
    assertArrayEquals("v".getBytes(UTF_8), memory.get("m/1"), "applied before the pause");
    assertFalse(writer.isDone());
    pause.release();
    writer.get(30, TimeUnit.SECONDS);
  }
}
