package dev.shale.lsm.memtable;

import dev.shale.lsm.memtable.vector.VectorMemtable;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.Set;

/**
 * The bulk-load memtable, named {@code "vector"} (RocksDB's VectorRep): adds append in O(1) to a
 * growing array with 20 to 24 bytes of overhead per entry, and sorting waits until someone reads or
 * the memtable is frozen. Pick it on purpose for loads that write much and read little while
 * writing: reads of a memtable still being written are correct but slower (sorted runs plus an
 * unsorted tail), and adds are never concurrent (the engine serializes them).
 *
 * <p>Declares no capability. A memtable holds at most 8 GiB. Stateless and thread-safe.
 */
public final class VectorMemtableProvider implements MemtableProvider {
  /** The provider name written into files and used in options. */
  public static final String NAME = "vector";

  /** For {@link java.util.ServiceLoader}; does no work. */
  public VectorMemtableProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<MemtableCapability> capabilities() {
    return Set.of();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code options.expectedBytes()} is negative
   */
  @Override
  public Memtable create(MemtableOptions options) {
    return new VectorMemtable(options.expectedBytes());
  }
}
