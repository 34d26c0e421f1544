package dev.shale.lsm.assembly;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.txn.TransactionSupport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Wraps the installed transaction provider to record the order in which commits pass validation on
 * the commit leader, which is the order they are applied in. The committing thread names its
 * transaction with {@link #current}.
 */
final class RecordingTransactions implements TransactionProvider {
  /** The id of the transaction the calling thread is committing. */
  static final ThreadLocal<Integer> current = ThreadLocal.withInitial(() -> -1);

  private final TransactionProvider delegate =
      ProviderRegistry.installed(TransactionProvider.class).get(Shale.DEFAULT_TRANSACTIONS);
  private final List<Integer> order = Collections.synchronizedList(new ArrayList<>());

  @Override
  public String name() {
    return "recording";
  }

  /** The ids of the committed writing transactions, in commit order. */
  List<Integer> commitOrder() {
    synchronized (order) {
      return List.copyOf(order);
    }
  }

  @Override
  public Transaction begin(TransactionSupport db, TransactionOptions options) {
    return delegate.begin(
        new TransactionSupport() {
          @Override
          public Snapshot snapshot() {
            return db.snapshot();
          }

          @Override
          public byte[] get(byte[] key, ReadOptions readOptions) {
            return db.get(key, readOptions);
          }

          @Override
          public DbIterator iterator(ReadOptions readOptions) {
            return db.iterator(readOptions);
          }

          @Override
          public void commit(WriteBatch batch, WriteOptions writeOptions, CommitValidator v) {
            int id = current.get();
            db.commit(
                batch,
                writeOptions,
                state -> {
                  v.validate(state);
                  order.add(id); // on the leader, after validation, before the write
                });
          }
        },
        options);
  }
}
