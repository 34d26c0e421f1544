package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a primary while it ships REMOTE writes to a {@code file://} object store, then restores
 * the Db into an empty directory from the store alone: every REMOTE-acknowledged batch is there,
 * none is partial, and no thread's batches have a hole (nothing out of order). The next cycle's
 * writer continues on the restored directory. Cycles: {@code -Dshale.remote.crash.cycles} (3 by
 * default; {@code -Pcampaign} runs 100).
 */
class RemoteCrashTest {
  @TempDir Path tmp;

  @Test
  void remoteAcknowledgedBatchesSurviveSigkillAndTheLossOfTheDirectory() throws Exception {
    int cycles = Integer.getInteger("shale.remote.crash.cycles", 3);
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    String store = tmp.resolve("bucket").toUri().toString();
    long[] next = new long[CrashWorkload.THREADS];
    for (int t = 0; t < next.length; t++) {
      next[t] = t;
    }
    Set<Long> everAcknowledged = new TreeSet<>();
    Path dir = tmp.resolve("primary-0");
    for (int cycle = 0; cycle < cycles; cycle++) {
      Set<Long> acked =
          CrashTest.runAndKill(dir, next, "skiplist", "leveled", 300 + random.nextInt(1500), store);
      everAcknowledged.addAll(acked);
      Path restored = tmp.resolve("primary-" + (cycle + 1)); // a new, empty machine
      Set<Long> applied;
      try (Db db =
          Shale.builder(restored).options(CrashWorkload.options()).objectStore(store).open()) {
        applied = CrashWorkload.check(db, everAcknowledged);
      } catch (AssertionError e) {
        throw new AssertionError("cycle " + cycle + ": " + e.getMessage(), e);
      }
      for (long b : applied) {
        int t = (int) (b % CrashWorkload.THREADS);
        next[t] = Math.max(next[t], b + CrashWorkload.THREADS);
      }
      dir = restored;
    }
    assertTrue(
        everAcknowledged.size() > cycles, "the writer acknowledged too little to test anything");
  }
}
