package dev.shale.lsm.spi.txn;

import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.spi.NamedProvider;

/** Creates transactions over an engine. Stateless and thread-safe. */
public interface TransactionProvider extends NamedProvider {

  /** Starts a transaction reading a new snapshot of {@code db}. */
  Transaction begin(TransactionSupport db, TransactionOptions options);
}
