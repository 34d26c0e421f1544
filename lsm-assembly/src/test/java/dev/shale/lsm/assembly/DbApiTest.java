package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.spi.UnknownProviderException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public contract of Db: bad input, closed Db, snapshots, durability choices, stats. */
class DbApiTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Db small() {
    return Shale.builder(dir)
        .options(DbOptions.builder().maxKeyBytes(16).maxValueBytes(32).maxBatchBytes(256).build())
        .open();
  }

  @Test
  void badArgumentsAreRejectedAndChangeNothing() {
    try (Db db = small()) {
      db.put(b("a"), b("1"));
      assertThrows(IllegalArgumentException.class, () -> db.put(null, b("x")));
      assertThrows(IllegalArgumentException.class, () -> db.put(new byte[0], b("x")));
      assertThrows(IllegalArgumentException.class, () -> db.put(b("a"), null));
      assertThrows(IllegalArgumentException.class, () -> db.get(null));
      assertThrows(IllegalArgumentException.class, () -> db.delete(new byte[0]));
      IllegalArgumentException tooLong =
          assertThrows(IllegalArgumentException.class, () -> db.put(new byte[17], b("x")));
      assertTrue(tooLong.getMessage().contains("limit of 16"), tooLong.getMessage());
      assertThrows(IllegalArgumentException.class, () -> db.put(b("a"), new byte[33]));
      WriteBatch big = new WriteBatch();
      for (int i = 0; i < 20; i++) {
        big.put(b("k" + i), new byte[20]);
      }
      assertThrows(IllegalArgumentException.class, () -> db.write(big));
      WriteBatch mixed = new WriteBatch().put(b("ok"), b("1")).put(new byte[17], b("2"));
      assertThrows(IllegalArgumentException.class, () -> db.write(mixed));
      assertThrows(IllegalArgumentException.class, () -> db.write(null));
      assertThrows(
          IllegalArgumentException.class,
          () -> db.put(b("a"), b("2"), WriteOptions.of(Durability.REMOTE)));
      assertArrayEquals(b("1"), db.get(b("a")));
      assertNull(db.get(b("ok")), "no part of a rejected batch is written");
      assertEquals(1, db.stats().writes().batches());
    }
  }

  @Test
  void aClosedDbRefusesEverythingButClose() {
    Db db = small();
    db.put(b("a"), b("1"));
    db.close();
    db.close();
    assertThrows(IllegalStateException.class, () -> db.get(b("a")));
    assertThrows(IllegalStateException.class, () -> db.put(b("a"), b("1")));
    assertThrows(IllegalStateException.class, () -> db.iterator(ReadOptions.defaults()));
    assertThrows(IllegalStateException.class, db::snapshot);
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    try (Db db = small()) {
      StorageIOException e = assertThrows(StorageIOException.class, () -> Shale.open(dir));
      assertTrue(e.getMessage().contains("locked"), e.getMessage());
      db.put(b("still"), b("works"));
    }
  }

  @Test
  void snapshotsSeeTheirMomentAndRejectForeignOrClosedUse() {
    try (Db db = small()) {
      db.put(b("k"), b("v1"));
      Snapshot s = db.snapshot();
      db.put(b("k"), b("v2"));
      db.delete(b("k"));
      assertNull(db.get(b("k")));
      assertArrayEquals(b("v1"), db.get(b("k"), ReadOptions.defaults().withSnapshot(s)));
      db.flush();
      assertArrayEquals(b("v1"), db.get(b("k"), ReadOptions.defaults().withSnapshot(s)));
      DbStats.Snapshots stats = db.stats().snapshots();
      assertEquals(1, stats.open());
      assertEquals(s.sequence(), stats.oldestSequence());
      s.close();
      assertThrows(
          IllegalArgumentException.class,
          () -> db.get(b("k"), ReadOptions.defaults().withSnapshot(s)));
      assertEquals(0, db.stats().snapshots().open());
    }
  }

  @Test
  void everyDurabilityWritesAndSurvivesReopen() {
    try (Db db = small()) {
      db.put(b("m"), b("1"), WriteOptions.of(Durability.MEMORY));
      db.put(b("l"), b("2"), WriteOptions.of(Durability.LOCAL));
      db.write(new WriteBatch().put(b("x"), b("3")).delete(b("m")), WriteOptions.DEFAULT);
      assertTrue(db.stats().writes().walSyncs() >= 1);
    }
    try (Db db = small()) {
      assertNull(db.get(b("m")));
      assertArrayEquals(b("2"), db.get(b("l")));
      assertArrayEquals(b("3"), db.get(b("x")));
    }
  }

  @Test
  void scanStreamsInKeyOrderAndClosesItsIterator() {
    try (Db db = small()) {
      db.put(b("b"), b("2"));
      db.put(b("a"), b("1"));
      db.put(b("c"), b("3"));
      try (Stream<KeyValue> scan = db.scan(ReadOptions.defaults().withLowerBound(b("b")))) {
        assertEquals(
            List.of(new KeyValue(b("b"), b("2")), new KeyValue(b("c"), b("3"))), scan.toList());
      }
    }
  }

  @Test
  void anUnknownPartNameListsTheInstalledOnes() {
    UnknownProviderException e =
        assertThrows(
            UnknownProviderException.class, () -> Shale.builder(dir).memtable("nope").open());
    assertTrue(e.getMessage().contains("skiplist"), e.getMessage());
    assertTrue(e.getMessage().contains("vector"), e.getMessage());
  }

  @Test
  void statsShowFlushedLevelsAndCounters() {
    try (Db db = small()) {
      for (int i = 0; i < 100; i++) {
        db.put(b("key" + i), b("value" + i));
      }
      db.flush();
      DbStats stats = db.stats();
      assertEquals(100, stats.writes().operations());
      assertEquals(1, stats.memtables().flushes());
      assertTrue(stats.totalFiles() >= 1);
      assertEquals(7, stats.levels().size());
      assertEquals("leveled", stats.compactions().strategy());
      assertEquals(100, stats.lastSequence());
    }
  }
}
