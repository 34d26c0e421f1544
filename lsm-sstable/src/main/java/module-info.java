import org.jspecify.annotations.NullMarked;

/** The block-based SSTable format and the block caches. */
@NullMarked
module dev.shale.lsm.sstable {
  requires dev.shale.lsm.api;
  requires com.github.benmanes.caffeine;
  requires org.lz4.java;
  requires org.slf4j;
}
