package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean close flushes memtables of 1 MiB or more, so that the next open replays no log (issue 12
 * item 7: every CLI call replayed a 14 MB log; issue 21: a reopened Db starts with an empty
 * memtable), and leaves smaller ones to the log rather than writing a tiny table per close.
 */
class FlushOnCloseTest {
  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return ("value " + i + " " + "v".repeat(1000)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLargeMemtableIsFlushedAtCloseSoTheNextOpenReplaysNothing() {
    int keys = 3000; // about 3 MiB
    try (Db db = Shale.open(dir)) {
      write(db, 0, keys);
      assertEquals(0, db.stats().totalFiles(), "nothing flushed before the close");
    }
    try (Db db = Shale.open(dir)) {
      DbStats stats = db.stats();
      assertEquals(0, stats.recovery().walRecordsReplayed(), stats.recovery().toString());
      assertEquals(0, stats.memtables().activeEntries());
      assertTrue(stats.totalFiles() > 0);
      assertArrayEquals(value(keys - 1), db.get(key(keys - 1)));
      assertArrayEquals(value(0), db.get(key(0)));
    }
  }

  @Test
  void aSmallMemtableStaysInTheLog() {
    try (Db db = Shale.open(dir)) {
      write(db, 0, 100); // about 100 KiB
    }
    try (Db db = Shale.open(dir)) {
      DbStats stats = db.stats();
      assertEquals(0, stats.totalFiles(), "no tiny table per close");
      assertTrue(stats.recovery().walRecordsReplayed() > 0, stats.recovery().toString());
      assertArrayEquals(value(99), db.get(key(99)));
    }
  }

  private static void write(Db db, int from, int to) {
    WriteBatch batch = new WriteBatch();
    for (int i = from; i < to; i++) {
      batch.put(key(i), value(i));
      if (batch.count() == 100) {
        db.write(batch, WriteOptions.of(Durability.MEMORY));
        batch = new WriteBatch();
      }
    }
    if (!batch.isEmpty()) {
      db.write(batch);
    }
  }
}
