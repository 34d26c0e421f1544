package dev.shale.lsm.spi.memtable;

import dev.shale.lsm.spi.NamedProvider;
import java.util.Set;

/** Creates memtables of one kind. Stateless and thread-safe. */
public interface MemtableProvider extends NamedProvider {

  /**
   * What this provider's memtables support, the same set on every call; anything not listed counts
   * as unsupported.
   */
  Set<MemtableCapability> capabilities();

  /** A new, empty memtable that shares no state with any other. */
  Memtable create(MemtableOptions options);
}
