package dev.shale.lsm.objectstore.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local store promises beyond the suite: layout, durability format, races, URIs. */
class LocalObjectStoreTest {
  @TempDir Path dir;

  private ObjectStore open() throws IOException {
    return new LocalObjectStoreProvider().open(dir.toUri(), Map.of());
  }

  @Test
  void keysBecomeFoldersAndObjFiles() throws IOException {
    try (ObjectStore s = open()) {
      s.put("wal/00000000000000000001", "x".getBytes(UTF_8), PutOptions.unconditional());
      s.put("wal", "y".getBytes(UTF_8), PutOptions.unconditional());
      s.put("odd key/ü.obj", "z".getBytes(UTF_8), PutOptions.unconditional());
    }
    assertTrue(Files.isRegularFile(dir.resolve("wal/00000000000000000001.obj")));
    assertTrue(Files.isRegularFile(dir.resolve("wal.obj")));
    assertTrue(Files.isRegularFile(dir.resolve("odd%20key/%C3%BC%2Eobj.obj")));
    try (ObjectStore s = open()) {
      assertEquals(List.of("odd key/ü.obj", "wal", "wal/00000000000000000001"), keys(s, ""));
    }
  }

  @Test
  void keyEncodingIsOneToOne() {
    for (String s :
        List.of(
            "a", ".", "..", "...", "a.obj", ".obj", "a.obj.obj", "%", "%2F", "ü", "a b", "x.tmp")) {
      String encoded = KeyPaths.encode(s);
      assertEquals(s, KeyPaths.decode(encoded), encoded);
      assertFalse(encoded.endsWith(".obj"), encoded);
      assertFalse(encoded.equals(".") || encoded.equals(".."), encoded);
    }
    assertEquals(null, KeyPaths.decode(LocalObjectStore.TEMP_FOLDER));
    assertEquals(null, KeyPaths.decode(KeyLocks.LOCK_FILE));
    assertEquals(null, KeyPaths.decode("%2f")); // not canonical: would alias %2F
  }

  @Test
  void keysWithEmptySegmentsAreRejected() throws IOException {
    try (ObjectStore s = open()) {
      for (String bad : List.of("/a", "a/", "a//b")) {
        assertThrows(
            IllegalArgumentException.class,
            () -> s.put(bad, new byte[1], PutOptions.unconditional()),
            bad);
      }
    }
  }

  @Test
  void objectsAndMetadataSurviveReopening() throws IOException {
    PutResult r;
    try (ObjectStore s = open()) {
      r = s.put("k", "durable".getBytes(UTF_8), PutOptions.ifAbsent("put-7"));
    }
    try (ObjectStore s = open()) {
      ObjectInfo info = s.head("k").orElseThrow();
      assertEquals(r.etag(), info.etag());
      assertEquals(Map.of(PutOptions.PUT_ID, "put-7"), info.metadata());
      assertArrayEquals("durable".getBytes(UTF_8), s.get("k"));
    }
  }

  @Test
  void etagIsTheSha256PrefixOfTheBytes() throws Exception {
    byte[] data = "content addressed".getBytes(UTF_8);
    try (ObjectStore s = open()) {
      PutResult r = s.put("k", data, PutOptions.unconditional());
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(data);
      assertEquals(HexFormat.of().formatHex(sha, 0, 16), r.etag());
      Path f = Files.write(dir.resolve("in"), data);
      assertEquals(r.etag(), s.putFile("k2", f, PutOptions.unconditional()).etag());
    }
  }

  @Test
  void temporaryAndForeignFilesNeverShowInListings() throws IOException {
    try (ObjectStore s = open()) {
      s.put("a/real", new byte[1], PutOptions.unconditional());
      Files.write(dir.resolve(LocalObjectStore.TEMP_FOLDER).resolve("left-over.tmp"), new byte[3]);
      Files.write(dir.resolve("a").resolve("notes.txt"), new byte[3]);
      Files.createDirectories(dir.resolve("a").resolve("%junk"));
      Files.write(dir.resolve("a").resolve("%junk").resolve("x.obj"), new byte[3]);
      assertEquals(List.of("a/real"), keys(s, ""));
    }
  }

  @Test
  void staleTemporariesAreRemovedOnOpen() throws IOException {
    try (ObjectStore s = open()) {
      s.put("k", new byte[1], PutOptions.unconditional());
    }
    Path tmp = dir.resolve(LocalObjectStore.TEMP_FOLDER);
    Path old = Files.write(tmp.resolve("old.tmp"), new byte[3]);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
    Path fresh = Files.write(tmp.resolve("fresh.tmp"), new byte[3]);
    try (ObjectStore s = open()) {
      assertFalse(Files.exists(old));
      assertTrue(Files.exists(fresh), "a fresh temporary may belong to a live writer");
    }
  }

  @Test
  void noTemporaryIsLeftBehindByPuts() throws IOException {
    try (ObjectStore s = open()) {
      s.put("k", new byte[10], PutOptions.ifAbsent());
      assertThrows(
          PreconditionFailedException.class, () -> s.put("k", new byte[1], PutOptions.ifAbsent()));
      s.put("k", new byte[2], PutOptions.unconditional());
      String etag = s.head("k").orElseThrow().etag();
      s.put("k", new byte[3], new PutOptions(PutCondition.ifMatch(etag), Map.of()));
      assertThrows(
          PreconditionFailedException.class,
          () -> s.put("k", new byte[4], new PutOptions(PutCondition.ifMatch(etag), Map.of())));
    }
    try (Stream<Path> files = Files.list(dir.resolve(LocalObjectStore.TEMP_FOLDER))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void corruptHeaderIsReportedAsCorruption() throws IOException {
    try (ObjectStore s = open()) {
      s.put("k", "some bytes".getBytes(UTF_8), PutOptions.unconditional());
      flipByte(dir.resolve("k.obj"), 30); // inside the header
      CorruptionException e = assertThrows(CorruptionException.class, () -> s.head("k"));
      assertTrue(e.file().endsWith("k.obj"), e.file());
      assertThrows(CorruptionException.class, () -> s.get("k"));
    }
  }

  @Test
  void corruptDataIsReportedOnWholeReads() throws IOException {
    try (ObjectStore s = open()) {
      s.put("k", "some bytes".getBytes(UTF_8), PutOptions.unconditional());
      Path f = dir.resolve("k.obj");
      flipByte(f, (int) Files.size(f) - 1);
      assertThrows(CorruptionException.class, () -> s.get("k"));
      assertThrows(CorruptionException.class, () -> s.getToFile("k", dir.resolve("out")));
      assertFalse(Files.exists(dir.resolve("out")), "no file from corrupt data");
    }
  }

  @Test
  void truncatedAndForeignFilesAreCorruption() throws IOException {
    try (ObjectStore s = open()) {
      Files.write(dir.resolve("short.obj"), new byte[5]);
      assertThrows(CorruptionException.class, () -> s.head("short"));
      Files.write(dir.resolve("foreign.obj"), new byte[100]);
      assertThrows(CorruptionException.class, () -> s.get("foreign"));
      s.put("cut", new byte[100], PutOptions.unconditional());
      try (FileChannel ch = FileChannel.open(dir.resolve("cut.obj"), StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() - 10);
      }
      assertThrows(CorruptionException.class, () -> s.getRange("cut", 0, 10));
    }
  }

  @Test
  void ifAbsentHasOneWinnerAcrossStoresOfOneDirectory() throws Exception {
    int writers = 16;
    List<ObjectStore> stores = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      stores.add(open());
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < 20; round++) {
        String key = "wal/" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          ObjectStore s = stores.get(i);
          byte[] data = ("writer " + i).getBytes(UTF_8);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      s.put(key, data, PutOptions.ifAbsent());
                      return true;
                    } catch (PreconditionFailedException e) {
                      return false;
                    }
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get(1, TimeUnit.MINUTES) ? 1 : 0;
        }
        assertEquals(1, winners, key);
      }
    } finally {
      pool.shutdownNow();
      for (ObjectStore s : stores) {
        s.close();
      }
    }
  }

  @Test
  void ifMatchIncrementsAcrossStoresOfOneDirectoryLoseNothing() throws Exception {
    int writers = 4;
    int increments = 25;
    List<ObjectStore> stores = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      stores.add(open());
    }
    stores.get(0).put("n", "0".getBytes(UTF_8), PutOptions.unconditional());
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (ObjectStore s : stores) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      String etag = s.head("n").orElseThrow().etag();
                      int v = Integer.parseInt(new String(s.get("n"), UTF_8));
                      try {
                        s.put(
                            "n",
                            Integer.toString(v + 1).getBytes(UTF_8),
                            new PutOptions(PutCondition.ifMatch(etag), Map.of()));
                        break;
                      } catch (PreconditionFailedException e) {
                        // lost the race: read again
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertEquals(
          Integer.toString(writers * increments), new String(stores.get(0).get("n"), UTF_8));
    } finally {
      pool.shutdownNow();
      for (ObjectStore s : stores) {
        s.close();
      }
    }
  }

  @Test
  void closedStoreRefusesWork() throws IOException {
    ObjectStore s = open();
    s.close();
    assertThrows(IllegalStateException.class, () -> s.get("k"));
    assertThrows(
        IllegalStateException.class, () -> s.put("k", new byte[1], PutOptions.unconditional()));
  }

  @Test
  void providerParsesFileUris() throws IOException {
    LocalObjectStoreProvider p = new LocalObjectStoreProvider();
    assertEquals("local", p.name());
    Path nested = dir.resolve("created/on/open");
    try (ObjectStore s = p.open(nested.toUri(), Map.of())) {
      assertTrue(Files.isDirectory(nested));
      assertTrue(s.uri().startsWith("file:/"), s.uri());
    }
    assertThrows(
        IllegalArgumentException.class, () -> p.open(URI.create("s3://bucket/x"), Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> p.open(URI.create(dir.toUri() + "?x=1"), Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> p.open(URI.create("file://otherhost/x"), Map.of()));
  }

  @Test
  void listingWalksOnlyThePrefixFolder() throws IOException {
    try (ObjectStore s = open()) {
      for (String k : List.of("sst/1.sst", "sst/2.sst", "wal/01", "wal/02", "wal/10", "walx")) {
        s.put(k, new byte[1], PutOptions.unconditional());
      }
      assertEquals(List.of("wal/01", "wal/02"), keys(s, "wal/0"));
      assertEquals(List.of("wal/01", "wal/02", "wal/10", "walx"), keys(s, "wal"));
      assertEquals(List.of(), keys(s, "wal/01/"));
      assertEquals(
          List.of("wal/10"),
          s.list("wal/", "wal/02", 5).objects().stream().map(ObjectInfo::key).toList());
      assertEquals(
          List.of("walx"),
          s.list("wal", "wal/zz", 5).objects().stream().map(ObjectInfo::key).toList());
    }
  }

  private static List<String> keys(ObjectStore s, String prefix) throws IOException {
    List<String> keys = new ArrayList<>();
    for (ObjectInfo o : s.list(prefix, null, 1000).objects()) {
      keys.add(o.key());
    }
    return keys;
  }

  private static void flipByte(Path file, int offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    all[offset] ^= 0x40;
    Files.write(file, all);
  }
}
