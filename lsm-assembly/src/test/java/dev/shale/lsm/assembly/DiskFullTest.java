package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.engine.DbInspector;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up during a flush or a compaction: the Db turns read-only with an error that
 * says why, keeps serving reads, loses nothing it acknowledged, and reopens cleanly (no partial
 * table left behind) once space is back.
 */
class DiskFullTest {
  @TempDir Path dir;

  private final FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());

  private static final DbOptions OPTIONS =
      DbOptions.builder()
          .memtableBytes(4 * 1024 * 1024)
          .targetFileBytes(16 * 1024)
          .level0SlowdownTrigger(1000)
          .level0StopTrigger(1000)
          .build();

  private Db open() {
    return Shale.builder(dir)
        .storage(storage)
        .compaction(new NoCompaction())
        .options(OPTIONS)
        .open();
  }

  private static byte[] key(int k) {
    return String.format("key%06d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int k) {
    return String.format("value-%d-%s", k, "v".repeat(100)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFullDiskDuringFlushMakesTheDbReadOnlyAndLosesNothing() throws IOException {
    try (Db db = open()) {
      for (int k = 0; k < 3000; k++) {
        db.put(key(k), value(k));
      }
      storage.diskFullAfter(2048); // the log's next few hundred bytes fit; the table does not
      StorageIOException e = assertThrows(StorageIOException.class, db::flush);
      assertReadOnly(db, e);
      for (int k = 0; k < 3000; k += 7) {
        assertArrayEquals(value(k), db.get(key(k)), "read after the failure, key " + k);
      }
    } catch (StorageIOException closeFailure) {
      // closing a Db on a full disk may fail too; what matters is what reopening finds
    }
    storage.clearFaults();
    reopenAndCheck(3000);
  }

  @Test
  void aFullDiskDuringCompactionMakesTheDbReadOnlyAndLosesNothing() throws IOException {
    try (Db db = open()) {
      for (int round = 0; round < 4; round++) {
        for (int k = round; k < 3000; k += 4) {
          db.put(key(k), value(k));
        }
        db.flush();
      }
      assertEquals(4, db.stats().levels().get(0).files());
      storage.diskFullAfter(40 * 1024); // a couple of output tables, then no space
      StorageIOException e =
          assertThrows(StorageIOException.class, () -> db.compactRange(null, null));
      assertReadOnly(db, e);
      for (int k = 0; k < 3000; k += 7) {
        assertArrayEquals(value(k), db.get(key(k)), "read after the failure, key " + k);
      }
    } catch (StorageIOException closeFailure) {
      // see above
    }
    storage.clearFaults();
    reopenAndCheck(3000);
  }

  @Test
  void aFullDiskDuringABackgroundCompactionMakesTheDbReadOnlyAndLosesNothing()
      throws IOException, InterruptedException {
    DbOptions leveled = OPTIONS.toBuilder().level0CompactionTrigger(4).build();
    try (Db db = Shale.builder(dir).storage(storage).options(leveled).open()) {
      for (int round = 0; round < 4; round++) {
        for (int k = round; k < 3000; k += 4) {
          db.put(key(k), value(k));
        }
        if (round == 3) {
          // Room for the fourth flush, not for the compaction of the four tables it triggers.
          long oneFlush = db.stats().levels().get(0).bytes() / 3;
          storage.diskFullAfter(oneFlush * 3 / 2);
        }
        db.flush();
      }
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (db.stats().writes().readOnlyReason().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      String reason = db.stats().writes().readOnlyReason();
      assertTrue(reason.contains("compaction"), "read-only because of: " + reason);
      assertTrue(reason.contains("No space left on device"), reason);
      StorageIOException refused =
          assertThrows(StorageIOException.class, () -> db.put(key(-1), value(-1)));
      assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
      for (int k = 0; k < 3000; k += 7) {
        assertArrayEquals(value(k), db.get(key(k)), "read after the failure, key " + k);
      }
    } catch (StorageIOException closeFailure) {
      // see above
    }
    storage.clearFaults();
    reopenAndCheck(3000);
  }

  private static void assertReadOnly(Db db, StorageIOException failure) {
    assertTrue(
        messages(failure).contains("No space left on device"),
        "the error should say the disk is full: " + messages(failure));
    String reason = db.stats().writes().readOnlyReason();
    assertFalse(reason.isEmpty(), "stats should say why the Db is read-only");
    StorageIOException refused =
        assertThrows(StorageIOException.class, () -> db.put(key(-1), value(-1)));
    assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
    assertTrue(messages(refused).contains("No space left on device"), messages(refused));
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c).append(" / ");
    }
    return all.toString();
  }

  private void reopenAndCheck(int keys) throws IOException {
    try (Db db = open()) {
      for (int k = 0; k < keys; k++) {
        assertArrayEquals(value(k), db.get(key(k)), "key " + k + " after reopening");
      }
      assertEquals(keys, db.stats().lastSequence());
      db.put(key(keys), value(keys));
      db.compactRange(null, null);
      assertArrayEquals(value(keys), db.get(key(keys)));
    }
    DbInspector.ManifestInfo manifest = ShaleTools.onDisk(OPTIONS).manifest(dir);
    Set<String> live = new TreeSet<>();
    manifest.tables().forEach(t -> live.add(t.path().getFileName().toString()));
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      files.forEach(p -> onDisk.add(p.getFileName().toString()));
    }
    assertEquals(live, onDisk, "tables on disk that the manifest does not list");
  }
}
