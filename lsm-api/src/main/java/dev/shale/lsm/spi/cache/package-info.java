/**
 * The block cache SPI: a {@link dev.shale.lsm.spi.cache.BlockCache} holds decoded SSTable blocks
 * keyed by file id and block offset, bounded by bytes, shared by every table of a Db.
 */
@NullMarked
package dev.shale.lsm.spi.cache;

import org.jspecify.annotations.NullMarked;
