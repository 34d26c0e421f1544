/**
 * The block cache conformance suite ({@link dev.shale.lsm.tck.cache.BlockCacheConformanceTest}) and
 * deliberately broken caches ({@link dev.shale.lsm.tck.cache.BrokenBlockCaches}).
 */
@NullMarked
package dev.shale.lsm.tck.cache;

import org.jspecify.annotations.NullMarked;
