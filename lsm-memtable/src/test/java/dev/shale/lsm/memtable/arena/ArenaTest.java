package dev.shale.lsm.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArenaTest {

  /** Each thread fills its blocks with its own tag; any overlap shows as a foreign tag. */
  @Test
  void concurrentAllocationsNeverOverlap() throws Exception {
    Arena arena = Arena.ofBytes(64 * 1024);
    int threads = 4;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<int[][]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte tag = (byte) (t + 1);
        futures.add(
            pool.submit(
                () -> {
                  int[][] blocks = new int[perThread][];
                  for (int i = 0; i < perThread; i++) {
                    // Mostly small blocks, now and then one bigger than a quarter chunk.
                    int size = i % 500 == 0 ? 2_000 : 4 * (1 + i % 40);
                    int address = arena.allocate(size);
                    byte[] chunk = arena.chunk(address);
                    int offset = arena.offset(address);
                    for (int b = 0; b < size; b++) {
                      chunk[offset + b] = tag;
                    }
                    blocks[i] = new int[] {address, size};
                  }
                  return blocks;
                }));
      }
      long total = 0;
      for (int t = 0; t < threads; t++) {
        for (int[] block : futures.get(t).get(1, TimeUnit.MINUTES)) {
          assertNotEquals(0, block[0], "address 0 means none");
          byte[] chunk = arena.chunk(block[0]);
          int offset = arena.offset(block[0]);
          for (int b = 0; b < block[1]; b++) {
            assertEquals(t + 1, chunk[offset + b], "block overwritten by another thread");
          }
          total += block[1];
        }
      }
      assertTrue(arena.approximateBytes() >= total);
      assertTrue(
          arena.approximateBytes() < total * 2,
          "waste should stay well below the data: " + arena.approximateBytes() + " for " + total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void intArenaBlocksAreIntIndexed() {
    Arena arena = Arena.ofInts(0);
    int a = arena.allocate(16);
    int b = arena.allocate(16);
    int[] chunk = arena.intChunk(a);
    chunk[arena.intOffset(a) + 3] = 42;
    assertEquals(chunk, arena.intChunk(b));
    assertEquals(arena.intOffset(a) + 4, arena.intOffset(b));
    assertEquals(42, arena.intChunk(a)[arena.intOffset(a) + 3]);
    assertTrue(Arena.compareAndSet(chunk, arena.intOffset(b), 0, 7));
    assertEquals(7, Arena.getAcquire(chunk, arena.intOffset(b)));
  }

  @Test
  void rejectsBadSizes() {
    Arena arena = Arena.ofBytes(0);
    assertThrows(IllegalArgumentException.class, () -> arena.allocate(0));
    assertThrows(IllegalArgumentException.class, () -> arena.allocate(6));
    assertThrows(IllegalArgumentException.class, () -> Arena.ofBytes(-1));
  }
}
