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
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.engine.remote.RemoteKeys;
import dev.shale.lsm.engine.remote.RemoteManifest;
import dev.shale.lsm.engine.remote.WriterClaim;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.FaultInjectingObjectStore;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two primaries of one bucket, old and new, at every step of the new one's claim and fence: the
 * rule of docs/formats.md section 5 holds at each. After a claim completes the old primary
 * acknowledges nothing more; every write either acknowledged REMOTE is in what the next open or
 * restore builds; a write that failed never comes back; a restore never finds two tables under one
 * name. Each test reproduces a race an independent fault check found (issue 11).
 */
class FencingTest {
  private static final WriteOptions REMOTE = WriteOptions.of(Durability.REMOTE);
  private static final WriteOptions MEMORY = WriteOptions.of(Durability.MEMORY);

  @TempDir Path tmp;
  private String bucket;
  private ObjectStore store;
  private final List<Db> toClose = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  final void openBucket() throws IOException {
    bucket = "fence-" + UUID.randomUUID();
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
    threads.shutdownNow();
    store.close();
    dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider.discard(bucket);
  }

  private static DbOptions options(long memtableBytes) {
    return DbOptions.builder()
        .memtableBytes(memtableBytes)
        .targetFileBytes(64 << 10)
        .maxBytesForLevelBase(256 << 10)
        .build();
  }

  private static RemoteConfig config(ObjectStore s) {
    return RemoteConfig.of(s, s).withGcGraceMillis(3_600_000).withShipping(16 << 10, 20, 5_000);
  }

  private Db open(Path dir, RemoteConfig config) {
    return open(dir, config, options(64 << 10));
  }

  private Db open(Path dir, RemoteConfig config, DbOptions options) {
    Db db = Shale.builder(dir).options(options).remote(config).open();
    toClose.add(db);
    return db;
  }

  private static byte[] key(int i) {
    return String.format("key-%06d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(40)).getBytes(UTF_8);
  }

  /** A fresh directory restored from the bucket alone (a new machine). */
  private Db restore() {
    return open(tmp.resolve("restored-" + UUID.randomUUID()), config(store));
  }

  /**
   * The deterministic sequence of the finding: the new primary's first fence put stalls while the
   * old one makes 20 more REMOTE puts; the old one acknowledges them all after the claim. They must
   * all be in the new primary, which must not be fenced by the old one's objects.
   */
  @Test
  void aStalledFenceNeitherLosesTheOldPrimarysWritesNorFencesTheNewPrimary() throws Exception {
    Db a = open(tmp.resolve("a"), config(store));
    for (int i = 0; i < 50; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    FaultInjectingObjectStore slowFence = new FaultInjectingObjectStore(store);
    FaultInjectingObjectStore.PausePoint fencePut =
        slowFence.pauseBefore(Operation.PUT, k -> k.startsWith(RemoteKeys.WAL));
    CompletableFuture<Db> opening =
        CompletableFuture.supplyAsync(() -> open(tmp.resolve("b"), config(slowFence)), threads);
    assertTrue(fencePut.awaitReached(Duration.ofSeconds(30)), "b never tried to fence");
    Set<Integer> acknowledged = new TreeSet<>();
    for (int i = 50; i < 70; i++) {
      a.put(key(i), value(i), REMOTE); // after b's claim, before its fence lands
      acknowledged.add(i);
    }
    fencePut.release();
    Db b = opening.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 70; i++) {
      assertArrayEquals(value(i), b.get(key(i)), "b lacks key " + i + " that a acknowledged");
    }
    assertThrows(FencedException.class, () -> a.put(key(999), value(999), REMOTE));
    b.put(key(70), value(70), REMOTE); // b is the primary, not fenced by a's late objects
    assertNull(b.get(key(999)));
    Db restored = restore();
    for (int i = 0; i <= 70; i++) {
      assertArrayEquals(value(i), restored.get(key(i)), "restore lacks key " + i);
    }
    assertNull(restored.get(key(999)), "a write that failed with FencedException came back");
  }

  /**
   * The new primary pauses at each step of opening while the old one keeps writing REMOTE: every
   * write the old one acknowledged is in the new one, every write it failed is not, and the new one
   * ends up the only primary.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "open.read-manifest",
        "open.claimed",
        "fence.before-put",
        "open.fenced",
        "open.replayed",
        "open.synced"
      })
  void anOldPrimaryWritingThroughEveryStepOfTheClaimLosesNothingItAcknowledged(String step)
      throws Exception {
    Db a = open(tmp.resolve("a"), config(store));
    for (int i = 0; i < 30; i++) {
      a.put(key(i), value(i), i % 2 == 0 ? REMOTE : MEMORY);
    }
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PausePoints points =
        new PausePoints()
            .on(
                step,
                () -> {
                  if (reached.getCount() > 0) {
                    reached.countDown();
                    await(release);
                  }
                });
    CompletableFuture<Db> opening =
        CompletableFuture.supplyAsync(
            () -> open(tmp.resolve("b"), config(store).withPausePoints(points)), threads);
    assertTrue(reached.await(30, TimeUnit.SECONDS), "b never reached " + step);
    Set<Integer> acknowledged = new TreeSet<>();
    Set<Integer> failed = new TreeSet<>();
    for (int i = 100; i < 130; i++) {
      try {
        a.put(key(i), value(i), REMOTE);
        acknowledged.add(i);
      } catch (FencedException e) {
        failed.add(i);
      }
    }
    release.countDown();
    Db b = opening.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 30; i += 2) {
      assertArrayEquals(value(i), b.get(key(i)), step + ": b lacks key " + i);
    }
    for (int i : acknowledged) {
      assertArrayEquals(value(i), b.get(key(i)), step + ": b lacks acknowledged key " + i);
    }
    for (int i : failed) {
      assertNull(b.get(key(i)), step + ": b has key " + i + ", whose write failed");
    }
    if (step.equals("open.read-manifest")) {
      assertEquals(30, acknowledged.size(), "before the claim, a is still the primary");
    }
    if (step.equals("open.fenced") || step.equals("open.replayed") || step.equals("open.synced")) {
      assertEquals(30, failed.size(), "after the fence, a acknowledges nothing: " + acknowledged);
    }
    assertThrows(FencedException.class, () -> a.put(key(999), value(999), REMOTE));
    b.put(key(200), value(200), REMOTE);
    a.close();
    toClose.remove(a);
    // The old primary's directory, reopened, must not bring back what failed there.
    Db again = open(tmp.resolve("a"), config(store));
    for (int i : failed) {
      assertNull(again.get(key(i)), step + ": reopened a brought back failed key " + i);
    }
    for (int i : acknowledged) {
      assertArrayEquals(value(i), again.get(key(i)), step + ": reopened a lacks key " + i);
    }
    assertArrayEquals(value(200), again.get(key(200)));
  }

  /**
   * A claimant that fenced the WAL and then died before writing a manifest of its own leaves the
   * old primary's directory current; the writes the old primary failed with FencedException are in
   * its local log. Reopening that directory must not resurrect them.
   */
  @Test
  void aWriteThatFailedWithFencedExceptionNeverComesBack() {
    Path dir = tmp.resolve("a");
    Db a = open(dir, config(store));
    for (int i = 0; i < 20; i++) {
      a.put(key(i), value(i), REMOTE);
    }
    PausePoints crash =
        new PausePoints()
            .on(
                "open.fenced",
                () -> {
                  throw new ShaleException("simulated crash right after fencing");
                });
    assertThrows(
        ShaleException.class,
        () -> Shale.builder(tmp.resolve("c")).remote(config(store).withPausePoints(crash)).open());
    FencedException e =
        assertThrows(FencedException.class, () -> a.put(key(20), value(20), REMOTE));
    assertTrue(e.getMessage().contains("fenced"), e.getMessage());
    a.close();
    toClose.remove(a);
    Db reopened = open(dir, config(store));
    assertNull(reopened.get(key(20)), "the write that failed with FencedException came back");
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(value(i), reopened.get(key(i)), "key " + i);
    }
    assertFalse(Files.exists(dir.resolve("FENCED")), "the marker outlived the rebuild");
    reopened.put(key(21), value(21), REMOTE);
    assertArrayEquals(value(21), restore().get(key(21)));
  }

  /**
   * The new primary's replay fills its memtable and flushes while the old primary, not yet aware of
   * the fence, flushes too: their tables must not share a name, and the bucket stays restorable.
   */
  @Test
  void anOldPrimaryFlushingAfterTheClaimNeverCollidesWithTheNewPrimarysTables() throws Exception {
    Db a = open(tmp.resolve("a"), config(store), options(4 << 20));
    for (int i = 0; i < 3000; i++) {
      a.put(key(i), value(i), MEMORY); // about 300 KB in a's memtable and in the bucket's WAL
    }
    a.put(key(3000), value(3000), REMOTE);
    Set<String> before = WriterClaim.readNewest(store).tableKeys();
    Db b = open(tmp.resolve("b"), config(store), options(64 << 10)); // replay flushes ~5 tables
    RemoteManifest first = WriterClaim.readNewest(store);
    long epoch = first.epoch();
    int made = 0;
    for (String table : first.tableKeys()) {
      if (!before.contains(table)) {
        made++;
        long fileId = RemoteKeys.idOf(table, RemoteKeys.TABLES).orElseThrow();
        assertEquals(
            epoch,
            fileId >>> 40,
            "table " + fileId + " made while b became primary is outside its epoch's range");
      }
    }
    assertTrue(made >= 2, "b's replay should have flushed tables: " + made);
    for (int i = 3001; i < 3100; i++) {
      b.put(key(i), value(i), REMOTE);
    }
    a.flush(); // a's table, uploaded before a learns (at its manifest) that it is fenced
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (a.stats().shipping().fenced().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10); // a's mirror of the tree runs in the background
    }
    assertFalse(a.stats().shipping().fenced().isEmpty(), "a never tried to write its manifest");
    b.flush();
    Db restored = restore();
    for (int i = 0; i < 3100; i++) {
      assertArrayEquals(value(i), restored.get(key(i)), "restore lacks key " + i);
    }
  }

  /**
   * A table is never overwritten: when the name a new table would take in the bucket already holds
   * a different object, the primary refuses with an error that says so, and the object stays.
   */
  @Test
  void aDifferentTableUnderTheSameNameIsAnErrorNeverAnOverwrite() throws Exception {
    Db a = open(tmp.resolve("a"), config(store), options(4 << 20));
    for (int i = 0; i < 2000; i++) {
      a.put(key(i), value(i), MEMORY);
    }
    a.close(); // ships its log; b's replay flushes it into b's first table, numbered 2 << 40
    toClose.remove(a);
    String name = RemoteKeys.table(2L << 40);
    byte[] other = "not this table".getBytes(UTF_8);
    store.put(name, other, dev.shale.lsm.spi.objectstore.PutOptions.unconditional());
    dev.shale.lsm.api.CorruptionException e =
        assertThrows(
            dev.shale.lsm.api.CorruptionException.class,
            () -> open(tmp.resolve("b"), config(store)));
    assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
    assertEquals(name, e.file());
    assertArrayEquals(other, store.get(name), "the object in the bucket was replaced");
  }

  /**
   * The old primary writes REMOTE from four threads with slow uploads, so several of its WAL
   * objects are in flight while the new primary claims; some land after the fence, in the slots the
   * new primary leaves unused. Whatever the timing, the old primary's acknowledged writes are in
   * the new one, its failed writes are not, and the new primary is not fenced by late uploads.
   */
  @Test
  void uploadsInFlightAtTheClaimNeitherLoseWritesNorFenceTheNewPrimary() throws Exception {
    FaultInjectingObjectStore slow = new FaultInjectingObjectStore(store);
    Db a = open(tmp.resolve("a"), config(slow));
    slow.failRandomly(
        Operation.PUT, 0.5, FaultInjectingObjectStore.Fault.delay(Duration.ofMillis(150)));
    Set<Integer> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Set<Integer> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CountDownLatch started = new CountDownLatch(8);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = thread; ; i += 4) {
                  try {
                    a.put(key(i), value(i), REMOTE);
                    acknowledged.add(i);
                    started.countDown();
                  } catch (FencedException e) {
                    failed.add(i);
                    return;
                  }
                }
              },
              threads));
    }
    assertTrue(started.await(30, TimeUnit.SECONDS), "a does not write");
    Db b = open(tmp.resolve("b"), config(store));
    for (CompletableFuture<Void> w : writers) {
      w.get(30, TimeUnit.SECONDS); // each ends with a FencedException
    }
    assertEquals(4, failed.size());
    for (int i : acknowledged) {
      assertArrayEquals(value(i), b.get(key(i)), "b lacks acknowledged key " + i);
    }
    for (int i : failed) {
      assertNull(b.get(key(i)), "b has key " + i + ", whose write failed");
    }
    for (int i = 0; i < 100; i++) {
      b.put(key(100_000 + i), value(i), REMOTE);
    }
    assertEquals("", b.stats().shipping().fenced(), "the new primary was fenced");
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
}
