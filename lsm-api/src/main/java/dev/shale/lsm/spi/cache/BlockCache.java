package dev.shale.lsm.spi.cache;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A byte-bounded cache of decoded blocks keyed by (file id, block offset). Thread-safe. A table
 * stores one block type per key, so the cast in {@link #get} is safe for its caller.
 *
 * <p>Capacity: the sum of {@link CacheableBlock#sizeInBytes()} of held blocks stays at or below
 * {@link #capacityBytes()} once eviction has caught up (an implementation may briefly exceed it
 * while evicting asynchronously; {@link #cleanUp()} finishes pending eviction). A block heavier
 * than the whole capacity is returned to its caller but not kept. After {@code cleanUp()}, {@link
 * #stats()} is exact: {@code usedBytes} is the sum of the weights of the blocks {@link
 * #getIfPresent} finds, {@code entries} their number, and every block loaded and no longer held was
 * either evicted for capacity (counted in {@code evictions}) or invalidated (not counted).
 *
 * <p>After {@link #close()}, {@link #get} and {@link #getIfPresent} throw {@link
 * IllegalStateException}; {@code close}, {@link #stats()} and {@link #capacityBytes()} still work.
 */
public interface BlockCache extends AutoCloseable {

  /**
   * The block at {@code (fileId, offset)}, loading and caching it on a miss. An exception from the
   * loader propagates and nothing is cached.
   */
  <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
      throws IOException;

  /**
   * The cached block, or null on a miss (counted as a miss; nothing is loaded). The caller casts it
   * to the type it stores under that key.
   */
  @Nullable CacheableBlock getIfPresent(long fileId, long offset);

  /** Drops every block of {@code fileId} (the file was deleted or closed). */
  void invalidateFile(long fileId);

  /** Counters since creation and the bytes held now. */
  BlockCacheStats stats();

  /** The configured capacity in bytes. */
  long capacityBytes();

  /** Performs pending maintenance (eviction) now. */
  default void cleanUp() {}

  /** Drops everything. Idempotent. */
  @Override
  void close();
}
