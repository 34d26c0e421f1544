package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGKILLs a JVM while it opens a Db (replaying a log several memtables long, flushing, writing its
 * manifest, starting compactions), at a random moment, then opens the directory again: every open
 * must succeed with every acknowledged write. README promises "kill -9 at any moment, start it
 * again". Cycles: {@code -Dshale.open.kill.cycles} (5 by default, 200 with {@code -Pcampaign}).
 */
class OpenKillTest {
  private static final Logger LOG = LoggerFactory.getLogger(OpenKillTest.class);
  private static final int KEYS_PER_CYCLE = 4000;

  @TempDir Path dir;

  private static byte[] key(int k) {
    return String.format("key%08d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int k) {
    return String.format("value-%d-%s", k, "v".repeat(60)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aKillAtAnyMomentOfOpeningLosesNothingAndTheNextOpenSucceeds() throws Exception {
    int cycles = Integer.getInteger("shale.open.kill.cycles", 5);
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    int written = 0;
    int opensCompleted = 0;
    long openMillis = -1; // measured by the first cycle, which lets its open finish
    for (int cycle = 0; cycle < cycles; cycle++) {
      // A log several memtables long for the child to replay: written with large memtables
      // (nothing flushes), acknowledged by the LOCAL batch at the end, closed without a flush.
      try (Db db =
          Shale.builder(dir)
              .options(OpenKillChild.options().toBuilder().memtableBytes(16 << 20).build())
              .open()) {
        for (int k = written; k < written + KEYS_PER_CYCLE; k += 100) {
          WriteBatch batch = new WriteBatch();
          for (int i = k; i < k + 100; i++) {
            batch.put(key(i), value(i));
          }
          db.write(batch, WriteOptions.of(k % 1000 == 0 ? Durability.LOCAL : Durability.MEMORY));
        }
        db.put(key(-1), value(cycle), WriteOptions.of(Durability.LOCAL));
      }
      written += KEYS_PER_CYCLE;
      long killAfter = openMillis < 0 ? 30_000 : random.nextLong(openMillis * 5 / 4 + 1);
      Set<Long> opened =
          KilledChild.runAndKill(OpenKillChild.class, List.of(dir.toString()), killAfter);
      if (openMillis < 0) {
        assertTrue(opened.size() == 1, "the first cycle's open did not finish");
        openMillis = Math.max(10, opened.iterator().next());
      } else {
        opensCompleted += opened.size();
      }
      try (Db db = Shale.builder(dir).options(OpenKillChild.options()).open()) {
        for (int k = 0; k < written; k++) {
          assertArrayEquals(value(k), db.get(key(k)), "cycle " + cycle + ": key " + k);
        }
        assertArrayEquals(value(cycle), db.get(key(-1)), "cycle " + cycle);
      } catch (RuntimeException e) {
        throw new AssertionError("cycle " + cycle + ": the open after the kill failed", e);
      }
    }
    LOG.info(
        "{} cycles, opens took about {} ms, {} kills landed after the open had finished",
        cycles,
        openMillis,
        opensCompleted);
    assertTrue(opensCompleted < cycles - 1 || cycles < 4, "no kill landed during an open");
  }
}
