package dev.shale.lsm.spi.compaction;

import dev.shale.lsm.spi.NamedProvider;

/** Creates compaction strategies of one kind. Stateless and thread-safe. */
public interface CompactionStrategyProvider extends NamedProvider {

  /**
   * A strategy tuned by {@code options}.
   *
   * @throws IllegalArgumentException for options the strategy does not support
   */
  CompactionStrategy create(CompactionOptions options);
}
