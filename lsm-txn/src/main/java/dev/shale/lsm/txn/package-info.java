/**
 * Optimistic transactions: {@link dev.shale.lsm.txn.OptimisticTransactionProvider} ("optimistic",
 * the default transaction provider).
 */
@NullMarked
package dev.shale.lsm.txn;

import org.jspecify.annotations.NullMarked;
