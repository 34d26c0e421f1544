package dev.shale.lsm.txn;

import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.txn.TransactionSupport;

/**
 * The optimistic transaction provider ({@code "optimistic"}): a transaction reads a snapshot taken
 * when it begins, buffers its writes in a sorted write set, and at commit asks the engine to check,
 * atomically with the write, that nothing it depended on changed since its snapshot.
 *
 * <p>What commit checks depends on the {@link dev.shale.lsm.api.IsolationLevel}:
 *
 * <ul>
 *   <li>{@code SNAPSHOT}: every written key still has no version newer than the snapshot (first
 *       committer wins). Two transactions that read overlapping data and write disjoint keys both
 *       commit, which is write skew.
 *   <li>{@code SERIALIZABLE} (the default): also every key read through {@code get}, and every key
 *       range an iterator covered (from where it was positioned to the last key it returned, or to
 *       its bound when it ran out), so inserts into a scanned range (phantoms) conflict too. A
 *       committed writing transaction then read exactly the state just before its commit, so the
 *       commit order is a serial order. A transaction that wrote nothing commits without any check:
 *       it read one consistent snapshot, so it is serialized at that snapshot.
 * </ul>
 *
 * <p>Stateless and thread-safe; each {@link Transaction} it returns is for one thread at a time.
 */
public final class OptimisticTransactionProvider implements TransactionProvider {
  /** The provider name. */
  public static final String NAME = "optimistic";

  /** A provider; cheap, holds nothing. */
  public OptimisticTransactionProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Starts a transaction on a new snapshot of {@code db}.
   *
   * @throws IllegalArgumentException when an argument is null
   */
  @Override
  public Transaction begin(TransactionSupport db, TransactionOptions options) {
    if (db == null || options == null) {
      throw new IllegalArgumentException("transaction support and options must not be null");
    }
    return new OptimisticTransaction(db, options);
  }
}
