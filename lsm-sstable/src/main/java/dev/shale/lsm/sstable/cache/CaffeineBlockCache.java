package dev.shale.lsm.sstable.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlockCache} on Caffeine (W-TinyLFU), weighed by {@link CacheableBlock#sizeInBytes()}.
 * Thread-safe.
 *
 * <p>Maintenance runs on the calling thread ({@code executor(Runnable::run)}), not on the common
 * fork-join pool: a thread that inserts a block also evicts for it, so the capacity holds right
 * after each insert (not eventually), nothing competes with the application for the common pool,
 * and tests are deterministic. The cost is that an insert occasionally pays for a batch of
 * evictions, which is O(1) amortised, as in RocksDB's LRU cache.
 *
 * <p>Blocks of each file are tracked in a side map so that {@link #invalidateFile} drops a file's
 * blocks without scanning the cache. A block loaded concurrently with {@code invalidateFile} of its
 * file may stay cached; callers invalidate a file after its last read.
 */
final class CaffeineBlockCache implements BlockCache {
  private final long capacity;
  private final Cache<BlockKey, CacheableBlock> cache;
  private final Policy.@Nullable Eviction<BlockKey, CacheableBlock> eviction;

  /** The keys cached per file id; each set is only touched inside this map's atomic compute. */
  private final ConcurrentHashMap<Long, Set<BlockKey>> keysByFile = new ConcurrentHashMap<>();

  private volatile boolean closed;

  CaffeineBlockCache(long capacity) {
    this.capacity = capacity;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacity)
            .weigher((BlockKey k, CacheableBlock v) -> Math.max(0, v.sizeInBytes()))
            .executor(Runnable::run)
            .evictionListener(this::evicted)
            .recordStats()
            .build();
    this.eviction = cache.policy().eviction().orElse(null);
  }

  private void evicted(@Nullable BlockKey key, @Nullable CacheableBlock block, RemovalCause cause) {
    if (key != null) {
      keysByFile.computeIfPresent(
          key.fileId(),
          (file, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
          });
    }
  }

  @Override
  public <B extends CacheableBlock> B get(long fileId, long offset, BlockLoader<B> loader)
      throws IOException {
    ensureOpen();
    BlockKey key = new BlockKey(fileId, offset);
    CacheableBlock block;
    try {
      block = cache.get(key, k -> load(k, loader));
    } catch (LoadFailure e) {
      throw e.ioException();
    }
    @SuppressWarnings("unchecked") // one block type per key: see BlockCache
    B typed = (B) block;
    return typed;
  }

  /** Runs inside Caffeine's atomic compute for the key: one load per missing key at a time. */
  private CacheableBlock load(BlockKey key, BlockLoader<?> loader) {
    CacheableBlock block;
    try {
      block = Objects.requireNonNull(loader.load(), "the block loader returned null");
    } catch (IOException e) {
      throw new LoadFailure(e);
    }
    keysByFile.compute(
        key.fileId(),
        (file, keys) -> {
          Set<BlockKey> set = keys == null ? new HashSet<>() : keys;
          set.add(key);
          return set;
        });
    return block;
  }

  @Override
  public @Nullable CacheableBlock getIfPresent(long fileId, long offset) {
    ensureOpen();
    return cache.getIfPresent(new BlockKey(fileId, offset));
  }

  @Override
  public void invalidateFile(long fileId) {
    Set<BlockKey> keys = keysByFile.remove(fileId);
    if (keys != null) {
      cache.invalidateAll(keys);
    }
  }

  @Override
  public BlockCacheStats stats() {
    CacheStats s = cache.stats();
    long used = 0;
    if (eviction != null) {
      used = eviction.weightedSize().orElse(0);
    }
    return new BlockCacheStats(
        s.hitCount(),
        s.missCount(),
        s.loadSuccessCount(),
        s.evictionCount(),
        used,
        cache.estimatedSize());
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    closed = true;
    cache.invalidateAll();
    keysByFile.clear();
    cache.cleanUp();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the block cache is closed");
    }
  }

  /** Carries a loader's IOException through Caffeine's compute, which takes no checked ones. */
  private static final class LoadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialised: caught right around the compute
    private final IOException ioException;

    LoadFailure(IOException cause) {
      super(cause.getMessage(), cause, false, false);
      this.ioException = cause;
    }

    IOException ioException() {
      return ioException;
    }
  }
}
