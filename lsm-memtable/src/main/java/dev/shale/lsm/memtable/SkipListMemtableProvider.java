package dev.shale.lsm.memtable;

import dev.shale.lsm.memtable.skiplist.SkipListMemtable;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The default memtable, named {@code "skiplist"}: a lock-free skip list whose nodes live in a few
 * large byte arrays (RocksDB's InlineSkipList). Many threads may add at once while others read;
 * point reads and seeks cost O(log n) at any time.
 *
 * <p>About 26 bytes of overhead per entry beyond key and value, all counted by {@link
 * Memtable#approximateBytes()}. A memtable holds at most 8 GiB. Stateless and thread-safe.
 */
public final class SkipListMemtableProvider implements MemtableProvider {
  /** The provider name written into files and used in options. */
  public static final String NAME = "skiplist";

  private static final Set<MemtableCapability> CAPABILITIES =
      Collections.unmodifiableSet(
          EnumSet.of(
              MemtableCapability.CONCURRENT_INSERT, MemtableCapability.FAST_READS_WHILE_WRITING));

  /** For {@link java.util.ServiceLoader}; does no work. */
  public SkipListMemtableProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<MemtableCapability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code options.expectedBytes()} is negative
   */
  @Override
  public Memtable create(MemtableOptions options) {
    return new SkipListMemtable(options.expectedBytes());
  }
}
