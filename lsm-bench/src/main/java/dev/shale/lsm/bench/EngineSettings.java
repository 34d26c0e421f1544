package dev.shale.lsm.bench;

/**
 * The settings both engines get, so a comparison is like for like. Sizes in bytes.
 *
 * @param memtableBytes size at which a memtable is frozen and flushed (RocksDB write_buffer_size)
 * @param maxImmutableMemtables frozen memtables at which writes stop (RocksDB
 *     max_write_buffer_number - 1)
 * @param blockCacheBytes block cache capacity (Shale: on heap; RocksDB: LRU cache off heap)
 * @param bloomBitsPerKey bloom filter bits per key, 0 for none
 * @param blockBytes target data block size
 * @param compression "none" or "lz4", the same codec on every level for both engines
 * @param compactionThreads background compaction threads (plus one flush thread in both)
 * @param memtable Shale's memtable provider name
 */
record EngineSettings(
    long memtableBytes,
    int maxImmutableMemtables,
    long blockCacheBytes,
    int bloomBitsPerKey,
    int blockBytes,
    String compression,
    int compactionThreads,
    String memtable) {

  EngineSettings withBlockCacheBytes(long bytes) {
    return new EngineSettings(
        memtableBytes,
        maxImmutableMemtables,
        bytes,
        bloomBitsPerKey,
        blockBytes,
        compression,
        compactionThreads,
        memtable);
  }
}
