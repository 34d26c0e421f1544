package dev.shale.lsm.spi.cache;

/** A value a {@link BlockCache} can hold: immutable, thread-safe, and able to say its weight. */
public interface CacheableBlock {

  /** Approximate memory held, in bytes; the cache's capacity is measured in this. */
  int sizeInBytes();
}
