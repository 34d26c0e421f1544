/**
 * The block-based SSTable format: {@link dev.shale.lsm.sstable.BlockTableFormat} is the provider;
 * everything else here is its package-private machinery.
 */
@NullMarked
package dev.shale.lsm.sstable;

import org.jspecify.annotations.NullMarked;
