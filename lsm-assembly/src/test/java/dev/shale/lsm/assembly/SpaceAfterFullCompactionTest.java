package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After a full compaction of an overwrite-heavy workload the SSTables take at most 1.1 times the
 * space of the live data, measured as the SSTable bytes of a fresh Db loaded with only the live
 * entries and compacted the same way. Each key is written about six times and a tenth are deleted,
 * so a compaction that keeps garbage (old versions, tombstones, obsolete files) fails by far.
 */
class SpaceAfterFullCompactionTest {
  private static final int KEYS = 6000;
  private static final int WRITES = 36_000;

  @TempDir Path work;

  private static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(256 * 1024)
        .targetFileBytes(256 * 1024)
        .maxBytesForLevelBase(1024 * 1024)
        .build();
  }

  private static byte[] key(int k) {
    return String.format("user%08d", k).getBytes(StandardCharsets.UTF_8);
  }

  /** Incompressible, so the comparison is about entries and not about codec luck. */
  private static byte[] value(int k, int version) {
    byte[] v = new byte[100 + (k % 7) * 20];
    new SplittableRandom(k * 1_000_003L + version).nextBytes(v);
    return v;
  }

  @ParameterizedTest
  @ValueSource(strings = {"leveled", "tiered"})
  void aFullCompactionLeavesAtMostTenPercentOverLiveData(String strategy) throws IOException {
    Path dir = work.resolve("db");
    int[] latest = new int[KEYS];
    boolean[] deleted = new boolean[KEYS];
    SplittableRandom random = new SplittableRandom(42);
    long flushedBytes;
    DbStats compacted;
    try (Db db = Shale.builder(dir).compaction(strategy).options(options()).open()) {
      for (int i = 0; i < WRITES; i += 50) {
        WriteBatch batch = new WriteBatch();
        for (int j = 0; j < 50; j++) {
          int k = random.nextInt(KEYS);
          if (random.nextInt(10) == 0) {
            batch.delete(key(k));
            deleted[k] = true;
          } else {
            latest[k]++;
            deleted[k] = false;
            batch.put(key(k), value(k, latest[k]));
          }
        }
        db.write(batch);
      }
      db.compactRange(null, null);
      compacted = db.stats();
      flushedBytes = compacted.memtables().flushedBytes();
      for (int k = 0; k < KEYS; k += 97) {
        assertArrayEquals(
            deleted[k] || latest[k] == 0 ? null : value(k, latest[k]), db.get(key(k)), "key " + k);
      }
    }
    long disk = sstBytes(dir);
    assertEquals(compacted.totalFileBytes(), disk, "stats and the sst directory disagree");

    Path fresh = work.resolve("fresh");
    long live;
    try (Db db = Shale.builder(fresh).compaction(strategy).options(options()).open()) {
      for (int k = 0; k < KEYS; k++) {
        if (!deleted[k] && latest[k] > 0) {
          db.put(key(k), value(k, latest[k]));
        }
      }
      db.compactRange(null, null);
    }
    live = sstBytes(fresh);
    assertTrue(
        flushedBytes > 3 * live,
        "the workload should write far more than it keeps: flushed "
            + flushedBytes
            + ", live "
            + live);
    assertTrue(
        disk <= 1.1 * live,
        strategy + ": " + disk + " bytes on disk after a full compaction, live data takes " + live);
  }

  private static long sstBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
