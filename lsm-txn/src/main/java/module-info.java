import org.jspecify.annotations.NullMarked;

/**
 * Optimistic transactions ({@code "optimistic"}): reads at a snapshot merged with a buffered write
 * set, validated at commit under snapshot isolation or serializable isolation. Only the provider is
 * exported.
 */
@NullMarked
module dev.shale.lsm.txn {
  requires transitive dev.shale.lsm.api;

  exports dev.shale.lsm.txn;

  provides dev.shale.lsm.spi.txn.TransactionProvider with
      dev.shale.lsm.txn.OptimisticTransactionProvider;
}
