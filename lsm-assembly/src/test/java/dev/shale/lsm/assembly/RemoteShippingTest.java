package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.engine.remote.RemoteKeys;
import dev.shale.lsm.engine.remote.RemoteManifest;
import dev.shale.lsm.engine.remote.WriterClaim;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ExpressLikeObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Fault;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Log shipping, fencing and recovery through an object store (issue 5), in process against the
 * in-memory store and the fault-injecting and S3-Express-like wrappers of the kit. The pause points
 * reproduce the fencing races that bit SlateDB.
 */
class RemoteShippingTest {
  private static final WriteOptions REMOTE = WriteOptions.of(Durability.REMOTE);
  private static final WriteOptions MEMORY = WriteOptions.of(Durability.MEMORY);

  @TempDir Path tmp;
  private String bucket;
  private ObjectStore store;
  private final List<Db> toClose = new ArrayList<>();

  @BeforeEach
  final void openBucket() throws IOException {
    bucket = "ship-" + UUID.randomUUID();
    store = ObjectStores.open("mem://" + bucket, Map.of());
  }

  @AfterEach
  final void closeAll() throws IOException {
    for (Db db : toClose) {
      try {
        db.close();
      } catch (RuntimeException ignored) {
        // fenced or failed on purpose
      }
    }
    store.close();
    dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider.discard(bucket);
  }

  private static DbOptions smallOptions() {
    return DbOptions.builder()
        .memtableBytes(64 << 10)
        .targetFileBytes(64 << 10)
        .maxBytesForLevelBase(256 << 10)
        .build();
  }

  private RemoteConfig config(ObjectStore s) {
    return RemoteConfig.of(s, s).withGcGraceMillis(0).withShipping(16 << 10, 20, 5_000);
  }

  private Db open(Path dir, RemoteConfig config) {
    Db db = Shale.builder(dir).options(smallOptions()).remote(config).open();
    toClose.add(db);
    return db;
  }

  private static byte[] key(int i) {
    return String.format("key-%06d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(40)).getBytes(UTF_8);
  }

  private static void assertHas(Db db, int from, int to) {
    for (int i = from; i < to; i++) {
      assertArrayEquals(value(i), db.get(key(i)), "key " + i);
    }
  }

  @Test
  void aNewPrimaryOnAnEmptyDirectoryHasEveryRemoteWriteAndFencesTheOldOne() {
    Db a = open(tmp.resolve("a"), config(store));
    for (int i = 0; i < 3000; i++) {
      a.put(key(i), value(i), i % 3 == 0 ? REMOTE : MEMORY);
      if (i == 1500) {
        a.flush();
      }
    }
    a.put(key(3000), value(3000), REMOTE); // everything before it is shipped, in order
    Db b = open(tmp.resolve("b"), config(store));
    assertHas(b, 0, 3001);
    FencedException fenced =
        assertThrows(FencedException.class, () -> a.put(key(1), value(2), REMOTE));
    assertTrue(
        fenced.getMessage().contains("fenced") || fenced.getMessage().contains("epoch"),
        fenced.getMessage());
    assertThrows(FencedException.class, () -> a.put(key(1), value(2), MEMORY));
    assertArrayEquals(value(1), b.get(key(1)));
    DbStats.Shipping stats = b.stats().shipping();
    assertTrue(stats.enabled());
    assertEquals(2, stats.writerEpoch());
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "express-like"})
  void closingShipsEverythingAndADeletedDirectoryIsRestored(String kind) throws Exception {
    ObjectStore s = kind.equals("memory") ? store : new ExpressLikeObjectStore(store, 7, 0.5, 0.2);
    Path dir = tmp.resolve("db");
    try (Db db = Shale.builder(dir).options(smallOptions()).remote(config(s)).open()) {
      for (int i = 0; i < 5000; i++) {
        db.put(key(i), value(i), MEMORY);
      }
      db.delete(key(7));
      db.compactRange(null, null);
      for (int i = 5000; i < 6000; i++) {
        db.put(key(i), value(i), MEMORY);
      }
    }
    deleteRecursively(dir);
    long[] progress = {0};
    try (Db db =
        Shale.builder(dir)
            .options(smallOptions())
            .remote(config(s).withRestoreProgress(bytes -> progress[0] = bytes))
            .open()) {
      assertNull(db.get(key(7)));
      assertHas(db, 0, 7);
      assertHas(db, 8, 6000);
      assertTrue(progress[0] > 0, "restore reported no progress");
    }
  }

  @Test
  void anOldPrimaryThatStallsWhileTheNewOneFlushesAndCollectsGarbageNeverAcknowledges()
      throws Exception {
    PausePoints points = new PausePoints();
    Db a = open(tmp.resolve("a"), config(store).withPausePoints(points));
    for (int i = 0; i < 100; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    points.on(
        "ship.before-put",
        () -> {
          reached.countDown();
          await(release);
        });
    CompletableFuture<Void> stalled =
        CompletableFuture.runAsync(() -> a.put(key(100), value(100), REMOTE));
    assertTrue(reached.await(10, TimeUnit.SECONDS));
    Db b = open(tmp.resolve("b"), config(store));
    for (int i = 200; i < 2000; i++) {
      b.put(key(i), value(i), MEMORY);
    }
    b.compactRange(null, null); // flush, compact, write manifests, collect garbage (grace 0)
    points.clear("ship.before-put");
    release.countDown();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> stalled.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof FencedException, String.valueOf(e.getCause()));
    assertNull(b.get(key(100)), "the new primary has a write the old one never acknowledged");
    assertHas(b, 0, 100);
    assertHas(b, 200, 2000);
    assertThrows(FencedException.class, () -> a.put(key(5), value(5), MEMORY));
  }

  @Test
  void anUploadTheOldPrimaryLandsBeforeTheFenceIsReplayedAndMayBeAcknowledged() throws Exception {
    FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(store);
    Db a = open(tmp.resolve("a"), config(faulty));
    for (int i = 0; i < 50; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    FaultInjectingObjectStore.PausePoint landed =
        faulty.pauseAfterApply(Operation.PUT, k -> k.startsWith(RemoteKeys.WAL));
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(() -> a.put(key(50), value(50), REMOTE));
    assertTrue(landed.awaitReached(Duration.ofSeconds(10)));
    Db b = open(tmp.resolve("b"), config(store));
    assertArrayEquals(
        value(50), b.get(key(50)), "an object that landed before the fence is history");
    landed.release();
    write.get(10, TimeUnit.SECONDS); // acknowledged, and the new primary has it
    assertThrows(FencedException.class, () -> a.put(key(51), value(51), REMOTE));
    assertHas(b, 0, 51);
  }

  @Test
  void twoWritersRacingForTheSameManifestSlotBothEndWithOnePrimary() throws Exception {
    open(tmp.resolve("a"), config(store)).put(key(0), value(0), REMOTE);
    CountDownLatch bothRead = new CountDownLatch(2);
    PausePoints points =
        new PausePoints()
            .on(
                "open.read-manifest",
                () -> {
                  bothRead.countDown();
                  await(bothRead);
                });
    List<CompletableFuture<Db>> racers = new ArrayList<>();
    // Own threads: the common pool may have a single thread on a small machine.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    for (String name : List.of("b", "c")) {
      racers.add(
          CompletableFuture.supplyAsync(
              () ->
                  Shale.builder(tmp.resolve(name))
                      .options(smallOptions())
                      .remote(config(store).withPausePoints(points))
                      .open(),
              threads));
    }
    threads.shutdown();
    int writable = 0;
    for (CompletableFuture<Db> racer : racers) {
      Db db;
      try {
        db = racer.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Fenced while opening: the other claimed after this one's claim.
        assertTrue(e.getCause() instanceof FencedException, String.valueOf(e.getCause()));
        continue;
      }
      toClose.add(db);
      try {
        db.put(key(1), value(1), REMOTE);
        writable++;
      } catch (FencedException e) {
        // fenced after opening
      }
    }
    assertEquals(1, writable, "exactly one of the racing writers is primary");
    RemoteManifest newest = WriterClaim.readNewest(store);
    assertEquals(3, newest.epoch(), "a, the winner of the slot, then the loser's retried claim");
  }

  @Test
  void anAmbiguousPutIsNotTakenForFencing() throws Exception {
    FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(store);
    Db a = open(tmp.resolve("a"), config(faulty));
    faulty.failNext(Operation.PUT, k -> k.startsWith(RemoteKeys.WAL), Fault.appliedThenTimeout());
    a.put(key(1), value(1), REMOTE);
    faulty.failNext(
        Operation.PUT, k -> k.startsWith(RemoteKeys.MANIFESTS), Fault.appliedThenTimeout());
    a.flush();
    eventually(() -> assertTrue(a.stats().shipping().manifests() >= 2));
    a.put(key(2), value(2), REMOTE);
    assertEquals("", a.stats().shipping().fenced());
    assertTrue(a.stats().shipping().retries() >= 1);
    assertEquals(2, faulty.injectedFailures(Operation.PUT));
  }

  @Test
  void aCrashBetweenATableUploadAndItsManifestLeavesAnOrphanThatIsCollected() throws Exception {
    PausePoints points = new PausePoints();
    Db a = open(tmp.resolve("a"), config(store).withPausePoints(points));
    for (int i = 0; i < 500; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    points.on(
        "sync.before-manifest",
        () -> {
          throw new ShaleException("simulated crash before the manifest");
        });
    a.flush();
    eventually(() -> assertFalse(a.stats().writes().readOnlyReason().isEmpty()));
    Set<String> tablesBefore = keys(RemoteKeys.TABLES);
    RemoteManifest manifestBefore = WriterClaim.readNewest(store);
    Set<String> listed = manifestBefore.tableKeys();
    assertFalse(listed.containsAll(tablesBefore), "the flush left no orphan table to collect");
    Db b = open(tmp.resolve("b"), config(store));
    assertHas(b, 0, 500);
    int[] n = {1000};
    eventually(
        () -> {
          b.put(key(n[0]), value(n[0]++), MEMORY);
          b.flush(); // each sync collects garbage (grace 0)
          RemoteManifest newest = WriterClaim.readNewest(store);
          Set<String> live = newest.tableKeys();
          assertEquals(live, keys(RemoteKeys.TABLES), "orphan or missing tables in the bucket");
        });
    assertFalse(keys(RemoteKeys.TABLES).containsAll(tablesBefore), "the orphan is still there");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "open.read-manifest",
        "open.claimed",
        "open.fenced",
        "open.restored",
        "open.replayed",
        "open.synced"
      })
  void aCrashAtAnyPointOfOpeningIsRecoveredByTheNextOpen(String point) {
    Db a = open(tmp.resolve("a"), config(store));
    for (int i = 0; i < 300; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    PausePoints crash =
        new PausePoints()
            .on(
                point,
                () -> {
                  throw new ShaleException("simulated crash at " + point);
                });
    Path dir = tmp.resolve("b");
    ShaleException e =
        assertThrows(
            ShaleException.class,
            () ->
                Shale.builder(dir)
                    .options(smallOptions())
                    .remote(config(store).withPausePoints(crash))
                    .open());
    assertTrue(e.getMessage().contains(point), e.getMessage());
    for (Path next : List.of(dir, tmp.resolve("c"))) {
      Db b = open(next, config(store));
      assertHas(b, 0, 300);
      b.put(key(300), value(300), REMOTE);
      b.close();
    }
  }

  @Test
  void aPrimaryThatCrashedWhileReopeningKeepsItsOwnDirectory() {
    Path dir = tmp.resolve("a");
    try (Db a = Shale.builder(dir).options(smallOptions()).remote(config(store)).open()) {
      for (int i = 0; i < 200; i++) {
        a.put(key(i), value(i), MEMORY);
      }
    }
    PausePoints crash =
        new PausePoints()
            .on(
                "open.replayed",
                () -> {
                  throw new ShaleException("simulated crash after the claim");
                });
    assertThrows(
        ShaleException.class,
        () ->
            Shale.builder(dir)
                .options(smallOptions())
                .remote(config(store).withPausePoints(crash))
                .open());
    AtomicBoolean restored = new AtomicBoolean();
    PausePoints watch = new PausePoints().on("open.restored", () -> restored.set(true));
    Db again = open(dir, config(store).withPausePoints(watch));
    assertFalse(
        restored.get(), "the directory was replaced although its epoch's state is the bucket's");
    assertHas(again, 0, 200);
  }

  @Test
  void shippingRetriesThrottlingAndTheLagRecovers() {
    FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(store, 42);
    Db a = open(tmp.resolve("a"), config(faulty));
    faulty.failRandomly(Operation.PUT, 0.3, Fault.throttled());
    for (int i = 0; i < 300; i++) {
      a.put(key(i), value(i), i % 10 == 0 ? REMOTE : MEMORY);
    }
    faulty.clearFaults();
    a.put(key(300), value(300), REMOTE);
    DbStats.Shipping s = a.stats().shipping();
    assertTrue(s.retries() > 0, "no retries: " + s);
    assertEquals(0, s.lagSequences(), "everything acknowledged REMOTE-ly is shipped: " + s);
    Db b = open(tmp.resolve("b"), config(store));
    assertHas(b, 0, 301);
  }

  @Test
  void persistentStoreFailureSurfacesAsAClearErrorAndTheDbTurnsReadOnly() {
    FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(store);
    Db a = open(tmp.resolve("a"), RemoteConfig.of(faulty, faulty).withShipping(16 << 10, 20, 300));
    a.put(key(0), value(0), REMOTE);
    faulty.failRandomly(Operation.PUT, 1.0, Fault.throttled());
    StorageIOException e =
        assertThrows(StorageIOException.class, () -> a.put(key(1), value(1), REMOTE));
    assertTrue(e.getMessage().contains("failed"), e.getMessage());
    assertThrows(StorageIOException.class, () -> a.put(key(2), value(2), MEMORY));
    assertFalse(a.stats().shipping().fenced().isEmpty());
  }

  @Test
  void twoPrimariesRacingFor200RoundsNeverLoseAnAcknowledgedRemoteWrite() throws Exception {
    Set<Integer> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    ExecutorService writers = Executors.newSingleThreadExecutor();
    Db current = open(tmp.resolve("p0"), config(store));
    int next = 0;
    for (int round = 0; round < 200; round++) {
      Db writer = current;
      int first = next;
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch twoAcknowledged = new CountDownLatch(2);
      CompletableFuture<Integer> writes =
          CompletableFuture.supplyAsync(
              () -> {
                int i = first;
                try {
                  while (!stop.get()) {
                    writer.put(key(i), value(i), REMOTE);
                    acknowledged.add(i);
                    twoAcknowledged.countDown();
                    i++;
                  }
                } catch (FencedException e) {
                  // the next primary took over
                }
                return i;
              },
              writers);
      assertTrue(twoAcknowledged.await(30, TimeUnit.SECONDS), "the primary does not write");
      Path dir = tmp.resolve("p" + ((round + 1) % 2));
      Db successor = Shale.builder(dir).options(smallOptions()).remote(config(store)).open();
      stop.set(true);
      next = writes.get(30, TimeUnit.SECONDS) + 1;
      assertThrows(FencedException.class, () -> writer.put(key(0), value(0), REMOTE));
      writer.close();
      toClose.remove(writer);
      toClose.add(successor);
      current = successor;
      for (int i : acknowledged) {
        if (i >= first) {
          assertArrayEquals(value(i), current.get(key(i)), "round " + round + ": lost key " + i);
        }
      }
    }
    for (int i : acknowledged) {
      assertArrayEquals(value(i), current.get(key(i)), "lost key " + i);
    }
    writers.shutdown();
    assertTrue(
        acknowledged.size() >= 400, "too few writes to test anything: " + acknowledged.size());
  }

  /** Retries {@code check} for up to 10 seconds. */
  private static void eventually(ThrowingRunnable check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aStoreWithoutAtomicPutIfAbsentIsRefusedWithAClearMessage() throws IOException {
    ObjectStore weak =
        new dev.shale.lsm.tck.objectstore.ForwardingObjectStore(store) {
          @Override
          public Set<dev.shale.lsm.spi.objectstore.ObjectStoreCapability> capabilities() {
            return Set.of();
          }
        };
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("a"), config(weak)));
    assertTrue(e.getMessage().contains("put-if-absent"), e.getMessage());
    assertTrue(keys("").isEmpty(), "nothing may be written to a store that cannot fence");
  }

  private Set<String> keys(String prefix) throws IOException {
    Set<String> keys = new TreeSet<>();
    for (ObjectInfo o : RemoteKeys.listSorted(store, prefix, null)) {
      keys.add(o.key());
    }
    return keys;
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out at a pause point");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
