import org.jspecify.annotations.NullMarked;

/** Leveled and size-tiered compaction strategies. */
@NullMarked
module dev.shale.lsm.compaction {
  requires dev.shale.lsm.api;
}
