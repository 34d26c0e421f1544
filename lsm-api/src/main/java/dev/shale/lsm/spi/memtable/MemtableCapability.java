package dev.shale.lsm.spi.memtable;

/** A property a {@link MemtableProvider} may declare. Undeclared means unsupported. */
public enum MemtableCapability {
  /**
   * {@link Memtable#add} may be called by many threads at once. Without it the engine serializes
   * adds (readers still run concurrently with the one writer).
   */
  CONCURRENT_INSERT,
  /**
   * Point reads cost O(log n) while the memtable is still being written. Without it reads of a
   * mutable memtable may be slower (e.g. sorting first), which suits bulk loads.
   */
  FAST_READS_WHILE_WRITING
}
