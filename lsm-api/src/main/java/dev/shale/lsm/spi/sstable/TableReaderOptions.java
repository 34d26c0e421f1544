package dev.shale.lsm.spi.sstable;

import dev.shale.lsm.spi.cache.BlockCache;

/**
 * How a table is read.
 *
 * @param fileId the table's number, unique within a Db: the block cache key
 * @param blockCache where data blocks are cached (a no-op cache disables caching)
 */
public record TableReaderOptions(long fileId, BlockCache blockCache) {}
