package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.ReadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Db#stats()} figures move as writes, flushes, compactions and reads happen. */
class StatsTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void figuresFollowWritesFlushesCompactionsAndReads() {
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(1024 * 1024)
            .targetFileBytes(16 * 1024)
            .blockCacheBytes(1024 * 1024)
            .build();
    try (Db db = Shale.builder(dir).options(options).open()) {
      DbStats empty = db.stats();
      assertEquals(0, empty.writes().batches());
      assertEquals(0, empty.totalFiles());
      assertEquals(0, empty.memtables().flushes());
      assertEquals(0, empty.compactions().completed());
      assertEquals("", empty.writes().readOnlyReason());
      assertEquals(1024 * 1024, empty.blockCache().capacityBytes());

      for (int i = 0; i < 2000; i++) {
        db.put(b(String.format("key%05d", i)), b("value-" + i + "-".repeat(50)));
      }
      DbStats written = db.stats();
      assertEquals(2000, written.writes().batches());
      assertEquals(2000, written.writes().operations());
      assertEquals(2000, written.lastSequence());
      assertTrue(written.writes().userBytes() > 2000 * 60, "user bytes " + written.writes());
      assertTrue(written.writes().walBytes() >= written.writes().userBytes(), "wal bytes");
      assertEquals(2000, written.memtables().activeEntries());
      assertTrue(written.memtables().activeBytes() > 2000 * 60);
      assertEquals(0, written.totalFiles());

      db.flush();
      DbStats flushed = db.stats();
      assertEquals(1, flushed.memtables().flushes());
      assertTrue(flushed.memtables().flushedBytes() > 0);
      assertEquals(0, flushed.memtables().activeEntries());
      assertTrue(flushed.levels().get(0).files() >= 1, "level 0 " + flushed.levels().get(0));
      assertEquals(flushed.memtables().flushedBytes(), flushed.levels().get(0).bytes());

      for (int i = 0; i < 2000; i += 2) {
        db.put(b(String.format("key%05d", i)), b("overwritten-" + i));
      }
      db.flush();
      db.compactRange(null, null);
      DbStats compacted = db.stats();
      int last = compacted.levels().size() - 1;
      assertTrue(compacted.compactions().completed() >= 1, compacted.compactions().toString());
      assertEquals(0, compacted.compactions().running());
      assertTrue(compacted.compactions().bytesRead() > 0);
      assertTrue(compacted.compactions().bytesWritten() > 0);
      assertTrue(
          compacted.compactions().writeAmplification() > 0, compacted.compactions().toString());
      assertEquals(0, compacted.levels().get(0).files(), "level 0 after a full compaction");
      assertTrue(compacted.levels().get(last).files() >= 2, "outputs split at 16 KiB");
      assertEquals(compacted.totalFileBytes(), compacted.levels().get(last).bytes());
      assertEquals(1.0, compacted.compactions().spaceAmplification(), 1e-9);

      DbStats.Cache before = db.stats().blockCache();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 2000; i += 100) {
          db.get(b(String.format("key%05d", i)));
        }
      }
      DbStats.Cache after = db.stats().blockCache();
      assertTrue(after.misses() > before.misses(), "the first reads load blocks: " + after);
      assertTrue(after.hits() >= before.hits() + 40, "repeated reads hit the cache: " + after);
      assertTrue(after.usedBytes() > 0);
      assertTrue(after.hitRatio() > 0);

      try (var scan = db.scan(ReadOptions.defaults())) {
        assertEquals(2000, scan.count());
      }
      assertEquals(2000 + 1000, db.stats().writes().operations());
    }
  }
}
