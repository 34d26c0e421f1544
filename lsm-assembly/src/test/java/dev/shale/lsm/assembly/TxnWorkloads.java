package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.TransactionOptions;
import java.util.Random;
import java.util.TreeMap;

/**
 * The transaction workloads shared by the in-process tests and the crash child: bank transfers
 * between accounts (the total never changes), and large all-or-nothing batches.
 */
final class TxnWorkloads {
  static final int ACCOUNTS = 50;
  static final long INITIAL_BALANCE = 1_000;
  static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;
  static final int LARGE_BATCH_KEYS = 4_000;

  private TxnWorkloads() {}

  /** Small memtables and levels, so flushes and compactions run during the workloads. */
  static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(64 * 1024)
        .targetFileBytes(64 * 1024)
        .maxBytesForLevelBase(256 * 1024)
        .level0CompactionTrigger(2)
        .walSegmentBytes(64 * 1024)
        .build();
  }

  static byte[] account(int i) {
    return String.format("acct%04d", i).getBytes(UTF_8);
  }

  /** Opens every account with the initial balance, unless they exist. */
  static void openAccounts(Db db) {
    if (db.get(account(0)) != null) {
      return;
    }
    try (Transaction txn = db.beginTransaction()) {
      for (int i = 0; i < ACCOUNTS; i++) {
        txn.put(account(i), Long.toString(INITIAL_BALANCE).getBytes(UTF_8));
      }
      txn.commit();
    }
  }

  /**
   * Moves a random amount between two random accounts in one transaction, never overdrawing.
   * Returns whether it committed (false on a conflict).
   */
  static boolean transfer(Db db, TransactionOptions options, Random random) {
    int from = random.nextInt(ACCOUNTS);
    int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
    try (Transaction txn = db.beginTransaction(options)) {
      long a = balance(txn.get(account(from)));
      long b = balance(txn.get(account(to)));
      long amount = Math.min(a, 1 + random.nextInt(100));
      txn.put(account(from), Long.toString(a - amount).getBytes(UTF_8));
      txn.put(account(to), Long.toString(b + amount).getBytes(UTF_8));
      txn.commit();
      return true;
    } catch (TransactionConflictException e) {
      return false;
    }
  }

  private static long balance(byte[] value) {
    if (value == null) {
      throw new AssertionError("an account vanished");
    }
    return Long.parseLong(new String(value, UTF_8));
  }

  /**
   * The balances at one snapshot, checked: every account present, none negative, total unchanged.
   *
   * @throws AssertionError on a violation
   */
  static TreeMap<String, Long> checkBank(Db db) {
    try (Snapshot s = db.snapshot();
        DbIterator it =
            db.iterator(
                ReadOptions.defaults().withSnapshot(s).withPrefix("acct".getBytes(UTF_8)))) {
      TreeMap<String, Long> balances = new TreeMap<>();
      long total = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long balance = balance(it.value());
        if (balance < 0) {
          throw new AssertionError("negative balance " + balance);
        }
        balances.put(new String(it.key(), UTF_8), balance);
        total += balance;
      }
      if (balances.size() != ACCOUNTS || total != TOTAL) {
        throw new AssertionError(
            "snapshot at sequence "
                + s.sequence()
                + " holds "
                + balances.size()
                + " accounts totalling "
                + total
                + ", expected "
                + ACCOUNTS
                + " totalling "
                + TOTAL);
      }
      return balances;
    }
  }

  static byte[] largeKey(long batch, int i) {
    return String.format("L%08d/%05d", batch, i).getBytes(UTF_8);
  }

  /** One transaction putting {@link #LARGE_BATCH_KEYS} keys for {@code batch} (about 0.5 MiB). */
  static void commitLarge(Db db, TransactionOptions options, long batch) {
    byte[] value = new byte[100];
    java.util.Arrays.fill(value, (byte) batch);
    try (Transaction txn = db.beginTransaction(options)) {
      for (int i = 0; i < LARGE_BATCH_KEYS; i++) {
        txn.put(largeKey(batch, i), value);
      }
      txn.commit();
    }
  }

  /**
   * The large batches present, each checked to be whole.
   *
   * @throws AssertionError when a batch is partly present
   */
  static TreeMap<Long, Integer> checkLarge(Db db) {
    TreeMap<Long, Integer> counts = new TreeMap<>();
    try (DbIterator it = db.iterator(ReadOptions.defaults().withPrefix("L".getBytes(UTF_8)))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String key = new String(it.key(), UTF_8);
        counts.merge(Long.parseLong(key.substring(1, 9)), 1, Integer::sum);
      }
    }
    counts.forEach(
        (batch, count) -> {
          if (count != LARGE_BATCH_KEYS) {
            throw new AssertionError(
                "batch " + batch + " has " + count + " of " + LARGE_BATCH_KEYS + " keys");
          }
        });
    return counts;
  }
}
