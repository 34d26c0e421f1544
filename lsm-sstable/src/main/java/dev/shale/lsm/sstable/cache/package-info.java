/**
 * Block caches: {@link dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider} ("caffeine", the
 * default) and {@link dev.shale.lsm.sstable.cache.NoBlockCacheProvider} ("none").
 */
@NullMarked
package dev.shale.lsm.sstable.cache;

import org.jspecify.annotations.NullMarked;
