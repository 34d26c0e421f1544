package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An open iterator and a snapshot keep their view while writers overwrite and delete every key and
 * flushes and full compactions replace every file underneath: the iterator returns exactly the data
 * of the moment it was opened, and no table it may read is deleted while it is open.
 */
class IteratorsUnderCompactionTest {
  private static final int KEYS = 3000;

  @TempDir Path dir;

  private static byte[] key(int k) {
    return String.format("key%06d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int k, int round) {
    return String.format("%d-%d-%s", k, round, "x".repeat(60 + k % 40))
        .getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leveled", "tiered"})
  void anOpenIteratorKeepsItsViewWhileCompactionsReplaceEveryFile(String strategy)
      throws Exception {
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(32 * 1024)
            .targetFileBytes(32 * 1024)
            .maxBytesForLevelBase(128 * 1024)
            .level0CompactionTrigger(2)
            .blockCacheBytes(64 * 1024)
            .build();
    try (Db db = Shale.builder(dir).compaction(strategy).options(options).open()) {
      for (int k = 0; k < KEYS; k++) {
        db.put(key(k), value(k, 0));
      }
      db.compactRange(null, null);
      for (int k = 0; k < KEYS; k += 3) {
        db.put(key(k), value(k, 1)); // some of the view is in memtables and level 0
      }
      ((Engine) db).awaitBackgroundWork(); // so the directory lists exactly the live tables
      Set<String> filesAtOpen = tables();
      DbIterator iterator = db.iterator(ReadOptions.defaults());
      Snapshot snapshot = db.snapshot();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger fullCompactions = new AtomicInteger();
      AtomicReference<Throwable> writerFailure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int round = 2; !stop.get(); round++) {
                    for (int k = 0; k < KEYS; k += 50) {
                      WriteBatch batch = new WriteBatch();
                      for (int j = k; j < k + 50; j++) {
                        if ((j + round) % 4 == 0) {
                          batch.delete(key(j));
                        } else {
                          batch.put(key(j), value(j, round));
                        }
                      }
                      db.write(batch);
                    }
                    db.put(key(KEYS + round), value(KEYS + round, round)); // new keys too
                    db.flush();
                    db.compactRange(null, null);
                    fullCompactions.incrementAndGet();
                  }
                } catch (Throwable t) {
                  writerFailure.set(t);
                }
              });
      writer.start();
      try {
        iterator.seekToFirst();
        int k = 0;
        while (iterator.isValid()) {
          assertArrayEquals(key(k), iterator.key(), "key " + k);
          assertArrayEquals(value(k, k % 3 == 0 ? 1 : 0), iterator.value(), "value of key " + k);
          if (k % 750 == 0) {
            // Make sure whole-tree rewrites happen while the iterator is in the middle.
            int target = fullCompactions.get() + 1;
            while (fullCompactions.get() < target && writerFailure.get() == null) {
              Thread.sleep(5);
            }
            assertTrue(tables().containsAll(filesAtOpen), "a table was deleted under the iterator");
            int probe = (k * 7) % KEYS;
            assertArrayEquals(
                value(probe, probe % 3 == 0 ? 1 : 0),
                db.get(key(probe), ReadOptions.defaults().withSnapshot(snapshot)),
                "snapshot read of key " + probe);
          }
          iterator.next();
          k++;
        }
        assertEquals(KEYS, k, "entries the iterator returned");
      } finally {
        stop.set(true);
        writer.join();
        iterator.close();
        snapshot.close();
      }
      if (writerFailure.get() != null) {
        throw new AssertionError("writer failed", writerFailure.get());
      }
      assertTrue(
          fullCompactions.get() >= 4, "full compactions during the scan: " + fullCompactions);
      db.compactRange(null, null);
      Set<String> remaining = tables();
      remaining.retainAll(filesAtOpen);
      assertEquals(Set.of(), remaining, "tables of the old view outlive the iterator");
    }
  }

  private Set<String> tables() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
