package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.engine.Engine;
import dev.shale.lsm.tck.compaction.FifoTestStrategy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine runs {@code CompactionJob.Kind.DROP} jobs: a FIFO strategy keeps the tree small by
 * dropping whole files, an iterator opened before a drop keeps reading what it saw, and an open
 * snapshot delays the drop of data it can see.
 */
class DropJobsTest {
  private static final int KEYS_PER_FLUSH = 200;

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] key(int flush, int i) {
    return b(String.format("f%03d-k%04d", flush, i));
  }

  private static void fill(Db db, int flush) {
    for (int i = 0; i < KEYS_PER_FLUSH; i++) {
      db.put(key(flush, i), new byte[100]);
    }
    db.flush();
    ((Engine) db).awaitBackgroundWork();
  }

  private Db open(String name, long maxBytes) {
    return Shale.builder(dir.resolve(name)).compaction(new FifoTestStrategy(maxBytes)).open();
  }

  private static long tableBytes(Db db) {
    return db.stats().levels().stream().mapToLong(l -> l.bytes()).sum();
  }

  /** The bytes of the table one {@link #fill} writes. */
  private long bytesPerFlush() {
    try (Db db = open("measure", Long.MAX_VALUE)) {
      fill(db, 0);
      return tableBytes(db);
    }
  }

  @Test
  void theOldestFilesAreDroppedOnceTheTreeIsOverItsSize() {
    long perFlush = bytesPerFlush();
    long limit = 3 * perFlush + perFlush / 2;
    try (Db db = open("fifo", limit)) {
      for (int flush = 0; flush < 10; flush++) {
        fill(db, flush);
        assertTrue(
            tableBytes(db) <= limit,
            "flush " + flush + ": " + tableBytes(db) + " bytes of tables over " + limit);
      }
      assertNull(db.get(key(0, 0)), "the oldest flush was dropped");
      assertNull(db.get(key(5, 7)), "an old flush was dropped");
      assertArrayEquals(new byte[100], db.get(key(9, 7)), "the newest flush is kept");
      assertArrayEquals(new byte[100], db.get(key(7, 7)), "recent flushes are kept");
      assertTrue(db.stats().compactions().completed() >= 6, "drop jobs count as compactions");
    }
  }

  @Test
  void iteratorsKeepReadingAndSnapshotsKeepWhatTheySee() {
    long perFlush = bytesPerFlush();
    try (Db db = open("fifo", perFlush + perFlush / 2)) {
      fill(db, 0);
      Snapshot snapshot = db.snapshot();
      DbIterator it = db.iterator(ReadOptions.defaults());
      fill(db, 1); // over the limit: dropping flush 0's file waits for the snapshot
      assertArrayEquals(
          new byte[100],
          db.get(key(0, 3), ReadOptions.defaults().withSnapshot(snapshot)),
          "an open snapshot keeps the files whose data it sees");
      assertTrue(tableBytes(db) >= 2 * perFlush, "nothing was dropped while the snapshot was open");
      snapshot.close();
      fill(db, 2); // the next flush asks the strategy again
      assertTrue(tableBytes(db) <= perFlush + perFlush / 2, tableBytes(db) + " bytes of tables");
      assertNull(db.get(key(0, 3)), "flush 0 was dropped once the snapshot closed");
      assertArrayEquals(new byte[100], db.get(key(2, 3)));
      int seen = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        seen++;
      }
      it.close();
      assertEquals(KEYS_PER_FLUSH, seen, "an iterator opened before the drop reads what it saw");
    }
  }
}
