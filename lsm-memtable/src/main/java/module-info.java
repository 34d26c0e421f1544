import org.jspecify.annotations.NullMarked;

/**
 * Memtables: a lock-free arena skip list ({@code "skiplist"}, the default) and an append-then-sort
 * vector for bulk loads ({@code "vector"}). Only the providers are exported.
 */
@NullMarked
module dev.shale.lsm.memtable {
  requires transitive dev.shale.lsm.api;
  requires jdk.management; // reads G1's region size to size arena chunks (see Arena)

  exports dev.shale.lsm.memtable;

  provides dev.shale.lsm.spi.memtable.MemtableProvider with
      dev.shale.lsm.memtable.SkipListMemtableProvider,
      dev.shale.lsm.memtable.VectorMemtableProvider;
}
