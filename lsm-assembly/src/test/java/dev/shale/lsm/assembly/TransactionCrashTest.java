package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM running transactions (as {@link CrashTest} does for batches) and checks the
 * reopened Db: the bank's total is unchanged at a snapshot, and a large transaction is there whole
 * or not at all. Cycles: {@code -Dshale.txn.crash.cycles} (5 by default; {@code -Pcampaign} does
 * not raise it, pass it explicitly).
 */
class TransactionCrashTest {
  @TempDir Path dir;

  private static int cycles() {
    return Integer.getInteger("shale.txn.crash.cycles", 5);
  }

  @Test
  void bankTotalSurvivesSigkillAndReopen() throws Exception {
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    for (int cycle = 0; cycle < cycles(); cycle++) {
      runAndKill(List.of("bank", dir.toString()), 150 + random.nextInt(600));
      try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
        TxnWorkloads.checkBank(db);
      } catch (AssertionError e) {
        throw new AssertionError("cycle " + cycle + ": " + e.getMessage(), e);
      }
    }
    try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
      TreeMap<String, Long> balances = TxnWorkloads.checkBank(db);
      assertTrue(
          balances.values().stream().anyMatch(b -> b != TxnWorkloads.INITIAL_BALANCE),
          "no transfer survived: the test tested nothing");
    }
  }

  @Test
  void aLargeTransactionIsAllThereOrNotAtAllAfterSigkill() throws Exception {
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    Set<Long> acknowledged = new TreeSet<>();
    long next = 0;
    for (int cycle = 0; cycle < cycles(); cycle++) {
      acknowledged.addAll(
          runAndKill(
              List.of("large", dir.toString(), Long.toString(next)), 200 + random.nextInt(800)));
      TreeMap<Long, Integer> present;
      try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
        present = TxnWorkloads.checkLarge(db);
      } catch (AssertionError e) {
        throw new AssertionError("cycle " + cycle + ": " + e.getMessage(), e);
      }
      for (long b : acknowledged) {
        assertTrue(present.containsKey(b), "acknowledged batch " + b + " is missing");
      }
      next = present.isEmpty() ? next : Math.max(next, present.lastKey() + 1);
    }
    assertTrue(!acknowledged.isEmpty(), "nothing was acknowledged: the test tested nothing");
  }

  /** Runs the child until READY plus {@code millis}, kills it, returns the acknowledged batches. */
  private static Set<Long> runAndKill(List<String> args, long millis)
      throws IOException, InterruptedException {
    return KilledChild.runAndKill(TxnCrashChild.class, args, millis);
  }
}
