package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.IsolationLevel;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bank transfers from several threads while readers sum every balance at a snapshot (through plain
 * snapshot iterators and through read-only transactions): the total never changes, while flushes
 * and compactions run underneath. Both isolation levels protect this invariant, since a transfer
 * writes every key it reads. The crash variant is in {@link TransactionCrashTest}.
 */
class BankTransferTest {
  private static final int THREADS = 4;
  private static final int TRANSFERS_PER_THREAD = 400;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  void theTotalIsTheSameAtEverySnapshot(IsolationLevel isolation) throws Exception {
    try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
      TxnWorkloads.openAccounts(db);
      TransactionOptions options =
          TransactionOptions.defaults()
              .withIsolation(isolation)
              .withWriteOptions(WriteOptions.of(Durability.MEMORY));
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger commits = new AtomicInteger();
      AtomicLong checks = new AtomicLong();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(t);
        threads.add(
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                      if (TxnWorkloads.transfer(db, options, random)) {
                        commits.incrementAndGet();
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }));
      }
      Thread snapshotReader =
          new Thread(
              () -> {
                try {
                  while (!done.get()) {
                    TxnWorkloads.checkBank(db);
                    checks.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      Thread transactionReader =
          new Thread(
              () -> {
                try {
                  while (!done.get()) {
                    long total = 0;
                    try (Transaction txn = db.beginTransaction(options);
                        DbIterator it = txn.iterator(ReadOptions.defaults())) {
                      for (it.seekToFirst(); it.isValid(); it.next()) {
                        total += Long.parseLong(new String(it.value(), "UTF-8"));
                      }
                      txn.commit();
                    }
                    if (total != TxnWorkloads.TOTAL) {
                      throw new AssertionError("a transaction read a total of " + total);
                    }
                    checks.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.forEach(Thread::start);
      snapshotReader.start();
      transactionReader.start();
      for (Thread t : threads) {
        t.join();
      }
      done.set(true);
      snapshotReader.join();
      transactionReader.join();
      if (!failures.isEmpty()) {
        throw new AssertionError(failures.get(0));
      }
      db.flush();
      db.compactRange(null, null);
      TxnWorkloads.checkBank(db);
      assertTrue(
          commits.get() > THREADS * TRANSFERS_PER_THREAD / 10, "too few transfers committed");
      assertTrue(checks.get() > 0, "the readers never checked");
    }
    try (Db db = Shale.builder(dir).options(TxnWorkloads.options()).open()) {
      TxnWorkloads.checkBank(db);
    }
  }
}
