package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots taken between rounds of overwrites and deletes answer the same, through gets and
 * iterators, for their whole life: while memtables flush (tiny memtables), after explicit flushes
 * and full compactions, and after older or younger snapshots are released.
 */
class SnapshotLifetimeTest {
  private static final int KEYS = 600;

  @TempDir Path dir;

  private record Taken(Snapshot snapshot, TreeMap<String, String> expected) {}

  @Test
  void snapshotsAnswerTheSameAcrossFlushesAndCompactions() {
    Random random = new Random(42);
    TreeMap<String, String> model = new TreeMap<>();
    List<Taken> live = new ArrayList<>();
    try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
      for (int round = 0; round < 8; round++) {
        for (int i = 0; i < 1_500; i++) {
          String key = String.format("key%05d", random.nextInt(KEYS));
          if (random.nextInt(4) == 0) {
            db.delete(key.getBytes(UTF_8));
            model.remove(key);
          } else {
            String value = "r" + round + "-" + i + "-" + "x".repeat(random.nextInt(40));
            db.put(key.getBytes(UTF_8), value.getBytes(UTF_8));
            model.put(key, value);
          }
        }
        live.add(new Taken(db.snapshot(), new TreeMap<>(model)));
        checkAll(db, live, random);
        switch (round % 3) {
          case 0 -> db.flush();
          case 1 -> db.compactRange(null, null);
          default -> db.compactRange("key00100".getBytes(UTF_8), "key00300".getBytes(UTF_8));
        }
        checkAll(db, live, random);
        if (round % 3 == 2) {
          // release one from the middle: compaction may now drop what only it saw
          Taken released = live.remove(live.size() / 2);
          released.snapshot().close();
          db.compactRange(null, null);
          checkAll(db, live, random);
        }
      }
      assertEquals(live.size(), db.stats().snapshots().open());
      for (Taken t : live) {
        t.snapshot().close();
      }
      assertEquals(0, db.stats().snapshots().open());
    }
  }

  private static void checkAll(Db db, List<Taken> live, Random random) {
    for (Taken t : live) {
      ReadOptions at = ReadOptions.defaults().withSnapshot(t.snapshot());
      TreeMap<String, String> seen = new TreeMap<>();
      try (DbIterator it = db.iterator(at)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          seen.put(new String(it.key(), UTF_8), new String(it.value(), UTF_8));
        }
      }
      assertEquals(t.expected(), seen, "iterator at sequence " + t.snapshot().sequence());
      for (int i = 0; i < 50; i++) {
        String key = String.format("key%05d", random.nextInt(KEYS));
        byte[] value = db.get(key.getBytes(UTF_8), at);
        assertEquals(
            t.expected().get(key),
            value == null ? null : new String(value, UTF_8),
            "get " + key + " at sequence " + t.snapshot().sequence());
      }
      for (Map.Entry<String, String> e : t.expected().headMap("key00050").entrySet()) {
        assertEquals(e.getValue(), new String(db.get(e.getKey().getBytes(UTF_8), at), UTF_8));
      }
    }
  }
}
