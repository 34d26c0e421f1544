package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user relies on without asking: a plain write is fsynced (README says so), and damage an
 * open handles without an error is reported, not silently dropped (issue 11, items 6 and 7).
 */
class RecoveryReportTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPlainWriteIsFsyncedBeforeItReturns() {
    assertEquals(Durability.LOCAL, DbOptions.defaults().defaultDurability());
    try (Db db = Shale.open(dir)) {
      for (int i = 0; i < 20; i++) {
        db.put(b("k" + i), b("v" + i));
      }
      assertEquals(20, db.stats().writes().walSyncs(), "one fsync per lone write");
    }
  }

  @Test
  void aDamagedLastLogRecordIsReportedInStatsNotDroppedSilently() throws IOException {
    try (Db db = Shale.open(dir)) {
      for (int i = 0; i < 50; i++) {
        db.put(b("key" + i), b("value" + i)); // fsynced, acknowledged
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      segment = files.filter(p -> p.toString().endsWith(".wal")).sorted().toList().getLast();
    }
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      long at = file.length() - 3; // inside the last record's value
      file.seek(at);
      int b = file.read();
      file.seek(at);
      file.write(b ^ 0x01);
    }
    try (Db db = Shale.open(dir)) {
      assertArrayEquals(b("value48"), db.get(b("key48")));
      assertNull(db.get(b("key49")), "the damaged record was dropped (torn-tail tolerance)");
      DbStats.Recovery recovery = db.stats().recovery();
      assertEquals(1, recovery.walRecordsDropped(), recovery.toString());
      assertTrue(
          recovery.walDamage().contains(segment.getFileName().toString()), recovery.walDamage());
      assertTrue(recovery.damaged());
      assertEquals(49, recovery.walRecordsReplayed());
    }
    try (Db db = Shale.open(dir)) {
      assertFalse(db.stats().recovery().damaged(), "a clean reopen reports no damage");
    }
  }
}
