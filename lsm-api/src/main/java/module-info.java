import org.jspecify.annotations.NullMarked;

/**
 * Shale's public API ({@code dev.shale.lsm.api}) and the service-provider interfaces that every
 * plugin implements ({@code dev.shale.lsm.spi.*}). Providers are found by name through {@link
 * java.util.ServiceLoader}; see {@link dev.shale.lsm.spi.ProviderRegistry}.
 */
@NullMarked
module dev.shale.lsm.api {
  requires static transitive org.jspecify;

  exports dev.shale.lsm.api;
  exports dev.shale.lsm.api.event;
  exports dev.shale.lsm.spi;
  exports dev.shale.lsm.spi.io;
  exports dev.shale.lsm.spi.wal;
  exports dev.shale.lsm.spi.memtable;
  exports dev.shale.lsm.spi.sstable;
  exports dev.shale.lsm.spi.cache;
  exports dev.shale.lsm.spi.compaction;
  exports dev.shale.lsm.spi.objectstore;
  exports dev.shale.lsm.spi.txn;

  uses dev.shale.lsm.spi.wal.WalProvider;
  uses dev.shale.lsm.spi.memtable.MemtableProvider;
  uses dev.shale.lsm.spi.sstable.SSTableFormat;
  uses dev.shale.lsm.spi.cache.BlockCacheProvider;
  uses dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
  uses dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
  uses dev.shale.lsm.spi.txn.TransactionProvider;
}
