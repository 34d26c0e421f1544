package dev.shale.lsm.memtable.skiplist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.spi.EntryKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The insert path that reuses a thread's last splice: ascending runs (which skip the search),
 * descending and random keys (which fall back to it), one thread alternating between memtables, and
 * concurrent ascending writers, all checked against a sorted model.
 */
class SkipListSpliceTest {

  @Property(tries = 200)
  void runsOfEveryShapeEndUpSorted(
      @ForAll @IntRange(min = 1, max = 400) int count,
      @ForAll @IntRange(min = 1, max = 50) int runLength,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    SkipListMemtable a = new SkipListMemtable(0);
    SkipListMemtable b = new SkipListMemtable(0);
    TreeSet<Integer> modelA =
        new TreeSet<>(Integer::compareUnsigned); // keys compare as unsigned bytes
    TreeSet<Integer> modelB = new TreeSet<>(Integer::compareUnsigned);
    long sequence = 1;
    int key = random.nextInt(1000);
    for (int i = 0; i < count; i++) {
      if (i % runLength == 0) {
        key = random.nextInt(100_000); // a new run starts somewhere else
      }
      int step = random.nextInt(4) == 0 ? -1 - random.nextInt(3) : 1 + random.nextInt(3);
      key += step;
      boolean first = random.nextInt(5) != 0;
      SkipListMemtable target = first ? a : b;
      TreeSet<Integer> model = first ? modelA : modelB;
      if (model.add(key)) {
        add(target, key, sequence++);
      }
    }
    assertEquals(new ArrayList<>(modelA), keys(a));
    assertEquals(new ArrayList<>(modelB), keys(b));
  }

  @Test
  void concurrentAscendingWritersLoseNothing() throws InterruptedException {
    SkipListMemtable table = new SkipListMemtable(1 << 20);
    ConcurrentSkipListSet<Integer> model = new ConcurrentSkipListSet<>();
    int writers = 4;
    int perWriter = 20_000;
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < perWriter; i++) {
                  int key = i * writers + writer; // interleaved ascending runs
                  add(table, key, 1 + (long) key);
                  model.add(key);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(new ArrayList<>(model), keys(table));
  }

  private static void add(SkipListMemtable table, int key, long sequence) {
    byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
    byte[] buffer = Arrays.copyOf(k, 5);
    buffer[4] = 7;
    table.add(sequence, EntryKind.PUT, buffer, 0, 4, 4, 1);
  }

  private static List<Integer> keys(SkipListMemtable table) {
    List<Integer> keys = new ArrayList<>();
    for (int node = table.next(SkipListMemtable.HEAD); node != 0; node = table.next(node)) {
      byte[] k = table.key(node);
      keys.add(
          ((k[0] & 0xFF) << 24) | ((k[1] & 0xFF) << 16) | ((k[2] & 0xFF) << 8) | (k[3] & 0xFF));
    }
    return keys;
  }
}
