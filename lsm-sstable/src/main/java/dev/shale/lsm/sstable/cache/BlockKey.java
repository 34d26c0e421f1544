package dev.shale.lsm.sstable.cache;

/** A cache key: a block's file and offset. */
record BlockKey(long fileId, long offset) {
  @Override
  public int hashCode() {
    // Offsets are block-aligned-ish and file ids small: mix both fully (murmur3's fmix64).
    long h = fileId * 0x9E3779B97F4A7C15L + offset;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockKey k && k.fileId == fileId && k.offset == offset;
  }
}
