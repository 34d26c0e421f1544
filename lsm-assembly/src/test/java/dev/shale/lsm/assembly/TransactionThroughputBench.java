package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures transaction throughput and conflict rate for a read-modify-write workload (each
 * transaction reads two keys and writes both), for 1, 2 and 8 threads, durability MEMORY and LOCAL,
 * over 10,000 keys and over a hot set of 100. Not a test: it asserts nothing and runs only with
 * {@code -Dshale.txn.bench=true}, e.g. {@code ./mvnw -B -q -pl lsm-txn,lsm-assembly -am verify
 * -Dtest=TransactionThroughputBench -Dsurefire.failIfNoSpecifiedTests=false -Dshale.txn.bench=true
 * -Dspotless.check.skip=true}. Seconds per point: {@code -Dshale.txn.bench.seconds} (default 3).
 */
@EnabledIfSystemProperty(named = "shale.txn.bench", matches = "true")
class TransactionThroughputBench {
  @TempDir Path dir;

  @Test
  void readModifyWrite() throws Exception {
    long seconds = Long.getLong("shale.txn.bench.seconds", 3);
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "%-8s %-7s %-7s %12s %10s%n", "keys", "durab.", "threads", "commits/s", "conflicts"));
    int run = 0;
    for (int keys : new int[] {10_000, 100}) {
      for (Durability durability : new Durability[] {Durability.MEMORY, Durability.LOCAL}) {
        for (int threads : new int[] {1, 2, 8}) {
          Path path = dir.resolve("run" + run++);
          try (Db db = Shale.open(path)) {
            for (int k = 0; k < keys; k++) {
              db.put(key(k), "0".getBytes(UTF_8));
            }
            double[] result = measure(db, keys, durability, threads, seconds);
            report.append(
                String.format(
                    "%-8d %-7s %-7d %12.0f %9.1f%%%n",
                    keys, durability, threads, result[0], result[1] * 100));
          }
        }
      }
    }
    System.out.print(report);
  }

  private static byte[] key(int k) {
    return String.format("acct%06d", k).getBytes(UTF_8);
  }

  private static double[] measure(Db db, int keys, Durability durability, int threads, long seconds)
      throws Exception {
    TransactionOptions options =
        TransactionOptions.defaults().withWriteOptions(WriteOptions.of(durability));
    AtomicLong commits = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    long warmupEnd = System.nanoTime() + 500_000_000L;
    long end = warmupEnd + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (true) {
                  long now = System.nanoTime();
                  if (now >= end) {
                    return;
                  }
                  boolean counted = now >= warmupEnd;
                  int a = random.nextInt(keys);
                  int b = (a + 1 + random.nextInt(keys - 1)) % keys;
                  try (Transaction txn = db.beginTransaction(options)) {
                    long x = Long.parseLong(new String(txn.get(key(a)), UTF_8));
                    long y = Long.parseLong(new String(txn.get(key(b)), UTF_8));
                    txn.put(key(a), Long.toString(x - 1).getBytes(UTF_8));
                    txn.put(key(b), Long.toString(y + 1).getBytes(UTF_8));
                    txn.commit();
                    if (counted) {
                      commits.incrementAndGet();
                    }
                  } catch (TransactionConflictException e) {
                    if (counted) {
                      conflicts.incrementAndGet();
                    }
                  }
                }
              }));
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    long attempts = commits.get() + conflicts.get();
    return new double[] {
      commits.get() / (double) seconds, attempts == 0 ? 0 : conflicts.get() / (double) attempts
    };
  }
}
