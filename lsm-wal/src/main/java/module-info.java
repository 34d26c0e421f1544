import org.jspecify.annotations.NullMarked;

/** The segmented local write-ahead log. */
@NullMarked
module dev.shale.lsm.wal {
  requires dev.shale.lsm.api;
  requires org.slf4j;
}
