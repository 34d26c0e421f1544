package dev.shale.lsm.memtable.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What is specific to the vector: lazy sorted runs, their merging, and the frozen single run. */
class VectorMemtableTest {

  private static byte[] key(int i) {
    return String.format("key%06d", i).getBytes(StandardCharsets.US_ASCII);
  }

  private static void add(VectorMemtable m, long sequence, byte[] key, byte[] value) {
    byte[] buffer = new byte[key.length + value.length];
    System.arraycopy(key, 0, buffer, 0, key.length);
    System.arraycopy(value, 0, buffer, key.length, value.length);
    m.add(sequence, EntryKind.PUT, buffer, 0, key.length, key.length, value.length);
  }

  @Test
  void runsStayFewAndSortedUnderInterleavedReadsAndWrites() {
    VectorMemtable m = new VectorMemtable(0);
    Random random = new Random(11);
    TreeMap<Integer, Long> newest = new TreeMap<>();
    for (int sequence = 1; sequence <= 20_000; sequence++) {
      int k = random.nextInt(5_000);
      add(m, sequence, key(k), Integer.toString(sequence).getBytes(StandardCharsets.US_ASCII));
      newest.put(k, (long) sequence);
      if (random.nextInt(50) == 0) {
        int probe = random.nextInt(5_000);
        LookupResult r = m.get(key(probe), Sequences.MAX_SEQUENCE);
        Long expected = newest.get(probe);
        if (expected == null) {
          assertNull(r);
        } else {
          assertNotNull(r);
          assertEquals(expected, r.sequence());
        }
        checkRuns(m.index(), m);
      }
    }
    SortedRuns index = m.index();
    assertTrue(index.runs().length > 1, "interleaved reads should have left several runs");
    assertTrue(
        index.runs().length <= 1 + 32 - Integer.numberOfLeadingZeros(index.covered()),
        "runs must stay logarithmic in number, got " + index.runs().length);
  }

  private static void checkRuns(SortedRuns index, VectorMemtable m) {
    int total = 0;
    int[][] runs = index.runs();
    for (int r = 0; r < runs.length; r++) {
      total += runs[r].length;
      if (r > 0) {
        assertTrue(
            runs[r - 1].length > 2 * runs[r].length,
            "each run must be more than twice the next: "
                + runs[r - 1].length
                + ", "
                + runs[r].length);
      }
    }
    assertEquals(index.covered(), total);
    assertTrue(index.covered() <= m.entryCount());
  }

  @Test
  void aShortTailIsScannedNotSorted() {
    VectorMemtable m = new VectorMemtable(0);
    for (int i = 0; i < 100; i++) {
      add(m, i + 1, key(i), new byte[] {1});
    }
    assertNotNull(m.get(key(5), Sequences.MAX_SEQUENCE)); // sorts the 100 into a run
    SortedRuns before = m.index();
    assertEquals(100, before.covered());
    for (int i = 100; i < 100 + VectorMemtable.TAIL_SCAN_LIMIT; i++) {
      add(m, i + 1, key(i), new byte[] {2});
    }
    LookupResult r = m.get(key(150), Sequences.MAX_SEQUENCE);
    assertNotNull(r, "an entry in the unsorted tail must be found");
    assertEquals(151, r.sequence());
    assertSame(
        before, m.index(), "a tail of up to " + VectorMemtable.TAIL_SCAN_LIMIT + " is scanned");
    add(m, 1_000, key(7), new byte[] {3});
    assertNotNull(m.get(key(7), Sequences.MAX_SEQUENCE));
    assertEquals(165, m.index().covered(), "a longer tail is sorted into a run");
  }

  @Test
  void anIteratorSeesExactlyTheEntriesThatExistedWhenItWasMade() {
    VectorMemtable m = new VectorMemtable(0);
    for (int i = 0; i < 1_000; i++) {
      add(m, i + 1, key(i * 2), new byte[] {1});
    }
    List<String> seen = new ArrayList<>();
    try (InternalIterator it = m.iterator()) {
      int sequence = 10_000;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        seen.add(new String(it.key(), StandardCharsets.US_ASCII));
        add(m, sequence++, key(seen.size() * 2 + 1), new byte[] {2}); // ahead of the cursor
        add(m, sequence++, key(0), new byte[] {3}); // behind it
        if (seen.size() % 100 == 0) {
          m.get(key(1), Sequences.MAX_SEQUENCE); // readers re-index meanwhile
        }
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      expected.add(new String(key(i * 2), StandardCharsets.US_ASCII));
    }
    assertEquals(expected, seen, "the vector's iterators see a fixed view");
    assertEquals(3_000, m.entryCount());
  }

  @Test
  void freezeLeavesOneRunDropsTheAppendOrderAndRejectsAdds() {
    VectorMemtable m = new VectorMemtable(0);
    Random random = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      add(m, i + 1, key(random.nextInt(100_000)), new byte[] {(byte) i});
      if (i % 997 == 0) {
        try (InternalIterator it = m.iterator()) {
          it.seekToFirst();
        }
      }
    }
    long before = m.approximateBytes();
    m.freeze();
    assertEquals(1, m.index().runs().length);
    assertEquals(10_000, m.index().covered());
    assertTrue(m.approximateBytes() < before, "the append-order array is released");
    m.freeze(); // idempotent
    assertThrows(IllegalStateException.class, () -> add(m, 20_000, key(1), new byte[0]));
    try (InternalIterator it = m.iterator()) {
      int n = 0;
      byte[] previous = null;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (previous != null) {
          assertTrue(java.util.Arrays.compareUnsigned(previous, it.key()) <= 0);
        }
        previous = it.key();
        n++;
      }
      assertEquals(10_000, n);
    }
  }

  @Test
  void aSortedBulkLoadStaysCorrect() {
    VectorMemtable m = new VectorMemtable(1 << 20);
    for (int i = 0; i < 5_000; i++) {
      add(m, i + 1, key(i), key(i));
    }
    m.freeze();
    for (int i = 0; i < 5_000; i += 7) {
      LookupResult r = m.get(key(i), Sequences.MAX_SEQUENCE);
      assertNotNull(r);
      assertArrayEquals(key(i), r.value());
    }
    try (InternalIterator it = m.iterator()) {
      it.seek(key(4_999), 0);
      assertFalse(it.isValid(), "no version of the last key at or below sequence 0");
    }
  }
}
