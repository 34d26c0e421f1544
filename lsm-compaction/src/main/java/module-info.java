import org.jspecify.annotations.NullMarked;

/** Leveled and size-tiered compaction strategies. */
@NullMarked
module dev.shale.lsm.compaction {
  requires transitive dev.shale.lsm.api;

  exports dev.shale.lsm.compaction;

  provides dev.shale.lsm.spi.compaction.CompactionStrategyProvider with
      dev.shale.lsm.compaction.LeveledCompactionProvider,
      dev.shale.lsm.compaction.TieredCompactionProvider;
}
