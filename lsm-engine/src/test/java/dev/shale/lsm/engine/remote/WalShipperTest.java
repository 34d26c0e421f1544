package dev.shale.lsm.engine.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link WalShipper} that the fencing argument rests on (docs/formats.md section
 * 5), which {@link FencingScheduleExplorerTest} models: objects go to consecutive slots, never more
 * than {@code maxInFlight} at once; a write is durable only when its object and every earlier one
 * are in the bucket; a slot found taken fails every waiting and later write with {@link
 * FencedException}, and the engine's hook runs before any writer can see that.
 */
class WalShipperTest {
  private final HeldStore store = new HeldStore();
  private final List<WalShipper> shippers = new ArrayList<>();

  @AfterEach
  void close() {
    store.releaseAll();
    shippers.forEach(s -> s.close(1_000));
  }

  private WalShipper shipper(int maxInFlight, List<RuntimeException> hookCalls) {
    WalShipper s =
        new WalShipper(
            store,
            new StoreRetries(0),
            3,
            "test",
            100, // ships into slots 101, 102, ...
            0,
            1 << 20,
            1,
            maxInFlight,
            new PausePoints(),
            hookCalls::add,
            e -> {});
    shippers.add(s);
    return s;
  }

  private static WriteBatch batch(int i) {
    return new WriteBatch().put(("k" + i).getBytes(UTF_8), new byte[] {(byte) i});
  }

  @Test
  void objectsGoToConsecutiveSlotsAndNoMoreThanTheWindowIsInFlight() throws Exception {
    store.holdPuts();
    WalShipper ship = shipper(3, new ArrayList<>());
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      ship.append(i, batch(i));
      long sequence = i;
      writes.add(CompletableFuture.runAsync(() -> ship.awaitDurable(sequence)));
      Thread.sleep(20); // each urgent waiter cuts its own object
    }
    store.awaitHeld(3);
    Thread.sleep(100);
    assertEquals(3, store.held(), "more uploads in flight than the window");
    assertEquals(Set.of(101L, 102L, 103L), store.heldSlots());
    store.releaseAll();
    for (CompletableFuture<Void> w : writes) {
      w.get(10, TimeUnit.SECONDS);
    }
    assertTrue(store.slots().stream().allMatch(s -> s > 100 && s <= 108), "" + store.slots());
    assertEquals(store.slots().size(), store.slots().stream().distinct().count());
  }

  @Test
  void aWriteIsDurableOnlyWhenEveryEarlierObjectIsInTheBucket() throws Exception {
    store.holdSlot(101);
    WalShipper ship = shipper(4, new ArrayList<>());
    ship.append(1, batch(1));
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> ship.awaitDurable(1));
    store.awaitHeld(1);
    ship.append(2, batch(2));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> ship.awaitDurable(2));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!store.slots().contains(102L) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(store.slots().contains(102L), "the second object did not land");
    assertThrows(TimeoutException.class, () -> second.get(200, TimeUnit.MILLISECONDS));
    store.releaseAll();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTakenSlotFencesEveryWaiterAfterTheHookRan() throws Exception {
    store.putForeign(101);
    List<RuntimeException> hook = new ArrayList<>();
    AtomicBoolean hookSawWaiterFailed = new AtomicBoolean();
    CountDownLatch waiterFailed = new CountDownLatch(1);
    WalShipper ship =
        new WalShipper(
            store,
            new StoreRetries(0),
            3,
            "test",
            100,
            0,
            1 << 20,
            1,
            2,
            new PausePoints(),
            e -> {
              hook.add(e);
              try {
                // A waiter must not see the failure while the hook runs.
                hookSawWaiterFailed.set(waiterFailed.await(300, TimeUnit.MILLISECONDS));
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
              }
            },
            e -> {});
    shippers.add(ship);
    ship.append(1, batch(1));
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(
            () -> {
              try {
                ship.awaitDurable(1);
              } finally {
                waiterFailed.countDown();
              }
            });
    Throwable failure =
        assertThrows(Exception.class, () -> write.get(10, TimeUnit.SECONDS)).getCause();
    assertTrue(failure instanceof FencedException, String.valueOf(failure));
    assertEquals(1, hook.size());
    assertTrue(hook.getFirst() instanceof FencedException);
    assertFalse(hookSawWaiterFailed.get(), "a writer saw the failure before the hook finished");
    assertThrows(FencedException.class, () -> ship.append(2, batch(2)));
  }

  /** An in-memory store whose WAL puts can be held until released. */
  private static final class HeldStore implements ObjectStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Set<Long> holding = ConcurrentHashMap.newKeySet();
    private final Set<Long> heldNow = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean holdAll;
    private final CountDownLatch[] release = {new CountDownLatch(1)};

    void holdPuts() {
      holdAll = true;
    }

    void holdSlot(long slot) {
      holding.add(slot);
    }

    void putForeign(long slot) {
      objects.put(RemoteKeys.wal(slot), new byte[0]);
    }

    void releaseAll() {
      holdAll = false;
      holding.clear();
      release[0].countDown();
    }

    int held() {
      return held.get();
    }

    Set<Long> heldSlots() {
      return Set.copyOf(heldNow);
    }

    void awaitHeld(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (held.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(n, held.get(), "uploads held");
    }

    List<Long> slots() {
      List<Long> slots = new ArrayList<>();
      for (String key : objects.keySet()) {
        RemoteKeys.idOf(key, RemoteKeys.WAL).ifPresent(slots::add);
      }
      return slots;
    }

    @Override
    public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
      long slot = RemoteKeys.idOf(key, RemoteKeys.WAL).orElse(-1);
      if (holdAll || holding.contains(slot)) {
        held.incrementAndGet();
        heldNow.add(slot);
        try {
          release[0].await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        } finally {
          held.decrementAndGet();
          heldNow.remove(slot);
        }
      }
      if (options.condition() instanceof PutCondition.IfAbsent) {
        if (objects.putIfAbsent(key, data.clone()) != null) {
          throw new PreconditionFailedException(key, key + " exists");
        }
      } else {
        objects.put(key, data.clone());
      }
      return new PutResult("etag");
    }

    @Override
    public byte[] get(String key) throws IOException {
      byte[] data = objects.get(key);
      if (data == null) {
        throw new NoSuchObjectException(key);
      }
      return data;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
      byte[] data = objects.get(key);
      return data == null
          ? Optional.empty()
          : Optional.of(new ObjectInfo(key, data.length, "etag", Instant.EPOCH, Map.of()));
    }

    @Override
    public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String key) {
      objects.remove(key);
    }

    @Override
    public String uri() {
      return "mem://held";
    }

    @Override
    public Set<ObjectStoreCapability> capabilities() {
      return EnumSet.allOf(ObjectStoreCapability.class);
    }

    @Override
    public long maxObjectBytes() {
      return 1 << 20;
    }

    @Override
    public void close() {}
  }
}
