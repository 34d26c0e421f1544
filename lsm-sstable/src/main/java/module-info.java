import org.jspecify.annotations.NullMarked;

/**
 * The block-based SSTable format (provider "block") and the block caches ("caffeine", "none"). Only
 * the provider packages are exported; the format's internals are package-private.
 */
@NullMarked
module dev.shale.lsm.sstable {
  requires transitive dev.shale.lsm.api;
  requires com.github.benmanes.caffeine;
  requires org.lz4.java;
  requires org.slf4j;

  exports dev.shale.lsm.sstable;
  exports dev.shale.lsm.sstable.cache;

  provides dev.shale.lsm.spi.sstable.SSTableFormat with
      dev.shale.lsm.sstable.BlockTableFormat;
  provides dev.shale.lsm.spi.cache.BlockCacheProvider with
      dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider,
      dev.shale.lsm.sstable.cache.NoBlockCacheProvider;
}
