package dev.shale.lsm.spi.compaction;

import dev.shale.lsm.spi.NamedProvider;

/** Creates compaction strategies of one kind. Stateless and thread-safe. */
public interface CompactionStrategyProvider extends NamedProvider {

  /** A strategy tuned by {@code options}. */
  CompactionStrategy create(CompactionOptions options);
}
