import org.jspecify.annotations.NullMarked;

/** The segmented local write-ahead log (provider "segmented"). */
@NullMarked
module dev.shale.lsm.wal {
  requires dev.shale.lsm.api;
  requires org.slf4j;

  exports dev.shale.lsm.wal;

  provides dev.shale.lsm.spi.wal.WalProvider with
      dev.shale.lsm.wal.SegmentedWalProvider;
}
