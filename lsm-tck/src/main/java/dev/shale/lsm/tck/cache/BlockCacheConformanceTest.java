package dev.shale.lsm.tck.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheCapability;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.cache.BlockCacheStats;
import dev.shale.lsm.spi.cache.BlockLoader;
import dev.shale.lsm.spi.cache.CacheableBlock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite of a {@link BlockCacheProvider}: extend it, implement {@link #provider()},
 * and run the subclass. Behaviour tied to a {@link BlockCacheCapability} is checked on both sides:
 * with the capability it must hold, without it the documented fallback must hold (or the test is
 * skipped with the reason when the SPI defines none).
 *
 * <p>Accounting is checked for every retaining cache: after {@code cleanUp} the used bytes and
 * entries are those of the blocks held, and loaded blocks no longer held were counted as evicted.
 * The eviction policy is checked when declared: with {@link BlockCacheCapability#LRU_EVICTION} the
 * cache holds exactly the blocks an LRU model holds.
 *
 * <p>What passing does NOT prove: good hit ratios (a policy other than LRU is not measured),
 * behaviour under heavy contention (the concurrency tests use a handful of threads), memory use
 * beyond the weights blocks declare, or speed.
 */
public abstract class BlockCacheConformanceTest {
  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final int BLOCK = 1_000;

  private final List<BlockCache> caches = new ArrayList<>();

  /** The implementation under test. */
  protected abstract BlockCacheProvider provider();

  @AfterEach
  final void closeCaches() {
    for (BlockCache c : caches) {
      c.close();
    }
    caches.clear();
  }

  private BlockCache create(long capacity) {
    BlockCache cache = provider().create(capacity);
    caches.add(cache);
    return cache;
  }

  private boolean has(BlockCacheCapability capability) {
    return provider().capabilities().contains(capability);
  }

  /** A block of a declared weight. */
  record TestBlock(long fileId, long offset, int sizeInBytes) implements CacheableBlock {}

  /** A loader that counts its calls and makes {@link TestBlock}s. */
  static final class CountingLoader implements BlockLoader<TestBlock> {
    final AtomicInteger calls = new AtomicInteger();
    private final long fileId;
    private final long offset;
    private final int size;

    CountingLoader(long fileId, long offset, int size) {
      this.fileId = fileId;
      this.offset = offset;
      this.size = size;
    }

    @Override
    public TestBlock load() {
      calls.incrementAndGet();
      return new TestBlock(fileId, offset, size);
    }
  }

  private static TestBlock get(BlockCache cache, long fileId, long offset) throws IOException {
    return cache.get(fileId, offset, new CountingLoader(fileId, offset, BLOCK));
  }

  private static int present(BlockCache cache, long fileId, int offsets) {
    int n = 0;
    for (int i = 0; i < offsets; i++) {
      if (cache.getIfPresent(fileId, (long) i * BLOCK) != null) {
        n++;
      }
    }
    return n;
  }

  @Test
  public final void nameIsWellFormed() {
    assertTrue(PROVIDER_NAME.matcher(provider().name()).matches(), provider().name());
  }

  @Test
  public final void declarationsAreConsistent() {
    Set<BlockCacheCapability> capabilities = provider().capabilities();
    assertEquals(capabilities, provider().capabilities(), "capabilities must not change");
    if (capabilities.contains(BlockCacheCapability.LRU_EVICTION)) {
      assertTrue(
          capabilities.contains(BlockCacheCapability.RETAINS_BLOCKS),
          "LRU_EVICTION without RETAINS_BLOCKS is contradictory: a cache that keeps nothing"
              + " evicts nothing");
    }
  }

  /**
   * Whatever the policy, a retaining cache's figures are exact after {@code cleanUp}: the weight
   * and number of the blocks it holds, and every loaded block either held or counted as evicted
   * (invalidation is not eviction).
   */
  @Test
  public final void weightAndEvictionsAreAccountedExactly() throws IOException {
    assumeTrue(has(BlockCacheCapability.RETAINS_BLOCKS), "the provider declares no RETAINS_BLOCKS");
    long capacity = 20L * BLOCK;
    BlockCache cache = create(capacity);
    Random random = new Random(23);
    Map<Long, Integer> weights = new HashMap<>(); // key: file * 1000 + block
    for (int i = 0; i < 600; i++) {
      long file = 1 + random.nextInt(3);
      long block = random.nextInt(60);
      int weight = 1 + random.nextInt(3 * BLOCK);
      int w = weights.computeIfAbsent(file * 1000 + block, k -> weight);
      if (random.nextInt(5) == 0) {
        cache.getIfPresent(file, block * BLOCK);
      } else {
        cache.get(file, block * BLOCK, new CountingLoader(file, block * BLOCK, w));
      }
    }
    checkAccounting(cache, weights, capacity, "after 600 gets with eviction");
    long evictions = cache.stats().evictions();
    cache.invalidateFile(2);
    cache.cleanUp();
    checkAccounting(cache, weights, capacity, "after invalidating file 2");
    assertEquals(evictions, cache.stats().evictions(), "invalidation is not counted as eviction");
  }

  private static void checkAccounting(
      BlockCache cache, Map<Long, Integer> weights, long capacity, String when) {
    cache.cleanUp();
    BlockCacheStats stats = cache.stats();
    long heldBytes = 0;
    int held = 0;
    for (Map.Entry<Long, Integer> e : weights.entrySet()) {
      long file = e.getKey() / 1000;
      long offset = (e.getKey() % 1000) * BLOCK;
      if (cache.getIfPresent(file, offset) != null) {
        held++;
        heldBytes += e.getValue();
      }
    }
    assertTrue(stats.usedBytes() <= capacity, when + ": usedBytes over capacity: " + stats);
    assertEquals(heldBytes, stats.usedBytes(), when + ": usedBytes is the weight of held blocks");
    assertEquals(held, stats.entries(), when + ": entries is the number of held blocks");
  }

  /**
   * With {@link BlockCacheCapability#LRU_EVICTION}, the cache holds exactly what an LRU model of
   * the same capacity holds, through a random mix of gets and getIfPresents of equal-sized blocks.
   */
  @Test
  public final void lruEvictsTheLeastRecentlyUsedBlocks() throws IOException {
    assumeTrue(has(BlockCacheCapability.LRU_EVICTION), "the provider declares no LRU_EVICTION");
    int slots = 8;
    BlockCache cache = create((long) slots * BLOCK);
    for (int i = 0; i < slots; i++) {
      get(cache, 1, (long) i * BLOCK);
    }
    assertNotNull(cache.getIfPresent(1, 0), "a full cache holds its first block");
    get(cache, 1, (long) slots * BLOCK); // one block too many: block 1 is now the least recent
    cache.cleanUp();
    assertNull(cache.getIfPresent(1, BLOCK), "the least recently used block must go first");
    assertNotNull(cache.getIfPresent(1, 0), "a block used just before the overflow must stay");

    // A random mix against a model: the keys in the model's LRU order are exactly the held ones.
    LinkedHashMap<Long, Boolean> model =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > slots;
          }
        };
    BlockCache mixed = create((long) slots * BLOCK);
    Random random = new Random(31);
    for (int op = 1; op <= 1_500; op++) {
      long block = random.nextInt(3 * slots);
      if (random.nextInt(4) == 0) {
        boolean modelHas = model.get(block) != null;
        boolean cacheHas = mixed.getIfPresent(2, block * BLOCK) != null;
        assertEquals(modelHas, cacheHas, "op " + op + ": getIfPresent of block " + block);
      } else {
        mixed.get(2, block * BLOCK, new CountingLoader(2, block * BLOCK, BLOCK));
        model.put(block, Boolean.TRUE);
      }
      mixed.cleanUp();
      if (op % 100 == 0) {
        for (Long held : new ArrayList<>(model.keySet())) { // least recent first: keeps the order
          assertNotNull(
              mixed.getIfPresent(2, held * BLOCK),
              "op " + op + ": block " + held + " is among the " + slots + " most recently used");
          model.get(held);
        }
        assertEquals(slots, mixed.stats().entries(), "op " + op + ": a full cache holds");
      }
    }
  }

  @Test
  public final void capacityIsWhatWasAsked() {
    assertEquals(123_456, create(123_456).capacityBytes());
  }

  @Test
  public final void getReturnsWhatTheLoaderMade() throws IOException {
    BlockCache cache = create(1 << 20);
    CountingLoader loader = new CountingLoader(1, 0, BLOCK);
    TestBlock block = cache.get(1, 0, loader);
    assertEquals(new TestBlock(1, 0, BLOCK), block);
    assertEquals(1, loader.calls.get());
  }

  @Test
  public final void capacityIsRespectedAfterCleanUp() throws IOException {
    long capacity = 16L * BLOCK;
    BlockCache cache = create(capacity);
    for (int file = 1; file <= 4; file++) {
      for (int i = 0; i < 50; i++) {
        get(cache, file, (long) i * BLOCK);
      }
    }
    cache.cleanUp();
    BlockCacheStats stats = cache.stats();
    assertTrue(
        stats.usedBytes() <= capacity,
        () -> "usedBytes " + stats.usedBytes() + " > capacity " + capacity);
    int held = 0;
    for (int file = 1; file <= 4; file++) {
      held += present(cache, file, 50);
    }
    long heldBytes = (long) held * BLOCK;
    assertTrue(
        heldBytes <= capacity,
        () -> "holds " + heldBytes + " bytes of blocks, capacity " + capacity);
    if (has(BlockCacheCapability.RETAINS_BLOCKS)) {
      assertTrue(held > 0, "a retaining cache holds something after 200 loads");
      assertTrue(stats.evictions() > 0, "evictions are counted");
    }
  }

  @Test
  public final void withRetainingASecondGetIsAHitWithoutLoading() throws IOException {
    assumeTrue(has(BlockCacheCapability.RETAINS_BLOCKS), "the provider declares no RETAINS_BLOCKS");
    BlockCache cache = create(1 << 20);
    CountingLoader first = new CountingLoader(7, 4096, BLOCK);
    CountingLoader second = new CountingLoader(7, 4096, BLOCK);
    TestBlock a = cache.get(7, 4096, first);
    TestBlock b = cache.get(7, 4096, second);
    assertSame(a, b, "the cached block itself is returned");
    assertEquals(1, first.calls.get());
    assertEquals(0, second.calls.get(), "a hit does not call the loader");
    assertSame(a, cache.getIfPresent(7, 4096));
    BlockCacheStats stats = cache.stats();
    assertEquals(2, stats.hits(), "the second get and getIfPresent are hits");
    assertEquals(1, stats.misses());
    assertEquals(1, stats.loads());
    assertEquals(1, stats.entries());
    assertEquals(BLOCK, stats.usedBytes());
  }

  @Test
  public final void withoutRetainingEveryGetLoads() throws IOException {
    assumeFalse(has(BlockCacheCapability.RETAINS_BLOCKS), "the provider declares RETAINS_BLOCKS");
    BlockCache cache = create(1 << 20);
    CountingLoader loader = new CountingLoader(7, 4096, BLOCK);
    cache.get(7, 4096, loader);
    cache.get(7, 4096, loader);
    assertEquals(2, loader.calls.get(), "without RETAINS_BLOCKS every get loads");
    assertNull(cache.getIfPresent(7, 4096));
  }

  @Test
  public final void blocksOfDifferentFilesAtOneOffsetAreDistinct() throws IOException {
    assumeTrue(has(BlockCacheCapability.RETAINS_BLOCKS), "the provider declares no RETAINS_BLOCKS");
    BlockCache cache = create(1 << 20);
    TestBlock a = get(cache, 1, 0);
    TestBlock b = get(cache, 2, 0);
    assertEquals(1, a.fileId());
    assertEquals(2, b.fileId());
    assertSame(a, cache.getIfPresent(1, 0));
    assertSame(b, cache.getIfPresent(2, 0));
  }

  @Test
  public final void concurrentGetsOfOneMissingBlockLoadOnce() throws Exception {
    assumeTrue(
        has(BlockCacheCapability.SINGLE_FLIGHT_LOADS),
        "the provider declares no SINGLE_FLIGHT_LOADS");
    BlockCache cache = create(1 << 20);
    int threads = 8;
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    BlockLoader<TestBlock> slow =
        () -> {
          calls.incrementAndGet();
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new TestBlock(3, 0, BLOCK);
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<TestBlock>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.get(3, 0, slow);
                }));
      }
      start.countDown();
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the loader was called");
      // Give the other threads time to ask for the block while its load is in flight; with
      // single-flight loads the count below is 1 however the threads are scheduled.
      Thread.sleep(200);
      release.countDown();
      Set<TestBlock> distinct = new HashSet<>();
      for (Future<TestBlock> f : results) {
        distinct.add(f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, calls.get(), "concurrent gets of one missing block load it once");
      assertEquals(1, distinct.size(), "every thread gets the one loaded block");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  public final void loaderIoExceptionsPropagateAndNothingIsCached() throws IOException {
    BlockCache cache = create(1 << 20);
    IOException failure = new IOException("disk on fire");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                cache.get(
                    5,
                    0,
                    () -> {
                      throw failure;
                    }));
    assertSame(failure, thrown, "the loader's exception itself propagates");
    assertNull(cache.getIfPresent(5, 0), "a failed load caches nothing");
    CountingLoader loader = new CountingLoader(5, 0, BLOCK);
    cache.get(5, 0, loader);
    assertEquals(1, loader.calls.get(), "a get after a failed load loads again");
    assertEquals(1, cache.stats().loads(), "only successful loads are counted");
  }

  @Test
  public final void loaderUncheckedExceptionsPropagateAndNothingIsCached() throws IOException {
    BlockCache cache = create(1 << 20);
    CorruptionException failure = new CorruptionException("f.sst", 10, "bad block");
    CorruptionException thrown =
        assertThrows(
            CorruptionException.class,
            () ->
                cache.get(
                    5,
                    10,
                    () -> {
                      throw failure;
                    }));
    assertSame(failure, thrown);
    assertNull(cache.getIfPresent(5, 10));
    assertEquals(0, cache.stats().entries());
    assertEquals(0, cache.stats().usedBytes());
  }

  @Test
  public final void invalidateFileDropsExactlyThatFilesBlocks() throws IOException {
    BlockCache cache = create(1 << 20);
    for (int file = 1; file <= 3; file++) {
      for (int i = 0; i < 5; i++) {
        get(cache, file, (long) i * BLOCK);
      }
    }
    cache.invalidateFile(2);
    cache.cleanUp();
    assertEquals(0, present(cache, 2, 5), "file 2's blocks are gone");
    if (has(BlockCacheCapability.RETAINS_BLOCKS)) {
      assertEquals(5, present(cache, 1, 5), "file 1's blocks stay");
      assertEquals(5, present(cache, 3, 5), "file 3's blocks stay");
      assertEquals(10, cache.stats().entries());
      assertEquals(10L * BLOCK, cache.stats().usedBytes());
      CountingLoader reload = new CountingLoader(2, 0, BLOCK);
      cache.get(2, 0, reload);
      assertEquals(1, reload.calls.get(), "an invalidated block loads again");
    }
    cache.invalidateFile(99); // a file with nothing cached
  }

  @Test
  public final void statsAreConsistent() throws IOException {
    BlockCache cache = create(1 << 24); // large enough: no eviction
    Random random = new Random(11);
    int calls = 0;
    int loaderCalls = 0;
    Set<Long> loaded = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      long offset = random.nextInt(200) * (long) BLOCK;
      calls++;
      if (random.nextInt(4) == 0) {
        cache.getIfPresent(9, offset);
      } else {
        CountingLoader loader = new CountingLoader(9, offset, BLOCK);
        cache.get(9, offset, loader);
        loaderCalls += loader.calls.get();
        loaded.add(offset);
      }
    }
    cache.cleanUp();
    BlockCacheStats stats = cache.stats();
    assertEquals(
        calls, stats.hits() + stats.misses(), "every get and getIfPresent is a hit or a miss");
    assertEquals(loaderCalls, stats.loads(), "loads count the loader's successful calls");
    assertEquals(0, stats.evictions(), "nothing is evicted below capacity");
    assertTrue(stats.hitRatio() >= 0 && stats.hitRatio() <= 1);
    if (has(BlockCacheCapability.RETAINS_BLOCKS)) {
      assertEquals(loaded.size(), stats.entries(), "entries");
      assertEquals((long) loaded.size() * BLOCK, stats.usedBytes(), "usedBytes");
      assertEquals(loaded.size(), stats.loads(), "each block loads once");
    } else {
      assertEquals(0, stats.entries());
      assertEquals(0, stats.usedBytes());
    }
  }

  @Test
  public final void closeIsIdempotentAndLaterGetsFail() throws IOException {
    BlockCache cache = create(1 << 20);
    get(cache, 1, 0);
    cache.close();
    cache.close();
    assertThrows(IllegalStateException.class, () -> get(cache, 1, 0));
    assertThrows(IllegalStateException.class, () -> cache.getIfPresent(1, 0));
    assertNotNull(cache.stats(), "stats() still works after close");
    assertEquals(1 << 20, cache.capacityBytes(), "capacityBytes() still works after close");
  }

  @Test
  public final void aNewCacheIsEmpty() {
    BlockCacheStats stats = create(1 << 20).stats();
    assertEquals(new BlockCacheStats(0, 0, 0, 0, 0, 0), stats);
    assertEquals(0, stats.hitRatio());
  }

  @Test
  public final void blocksLargerThanTheCapacityAreStillReturned() throws IOException {
    BlockCache cache = create(BLOCK);
    CountingLoader loader = new CountingLoader(1, 0, 10 * BLOCK);
    assertNotNull(cache.get(1, 0, loader));
    cache.cleanUp();
    assertTrue(cache.stats().usedBytes() <= BLOCK, "an oversized block is not kept");
  }
}
