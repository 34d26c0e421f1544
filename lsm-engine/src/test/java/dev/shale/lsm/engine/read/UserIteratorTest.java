package dev.shale.lsm.engine.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.KeyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The merge and visibility rules of iteration, against a TreeMap model. */
class UserIteratorTest {

  record Write(int source, byte key, boolean put, byte value) {}

  @Provide
  Arbitrary<List<Write>> writes() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.bytes().between((byte) 0, (byte) 12),
            Arbitraries.of(true, true, false),
            Arbitraries.bytes())
        .as(Write::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 300)
  void iterationEqualsTheModelAtEverySnapshot(
      @ForAll("writes") List<Write> writes,
      @ForAll @IntRange(min = 0, max = 60) int snapshot,
      @ForAll @IntRange(min = -1, max = 13) int lower,
      @ForAll @IntRange(min = -1, max = 13) int upper) {
    List<List<ListIterator.Entry>> sources = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sources.add(new ArrayList<>());
    }
    TreeMap<byte[], byte[]> model = new TreeMap<>(KeyOrder::compareKeys);
    long seq = 0;
    for (Write w : writes) {
      seq++;
      byte[] key = {w.key()};
      sources
          .get(w.source())
          .add(
              new ListIterator.Entry(
                  key, seq, w.put() ? EntryKind.PUT : EntryKind.DELETE, new byte[] {w.value()}));
      if (seq <= snapshot) {
        if (w.put()) {
          model.put(key, new byte[] {w.value()});
        } else {
          model.remove(key);
        }
      }
    }
    byte[] lo = lower < 0 ? null : new byte[] {(byte) lower};
    byte[] hi = upper < 0 ? null : new byte[] {(byte) upper};
    Map<byte[], byte[]> expected = model;
    if (lo != null && hi != null && KeyOrder.compareKeys(lo, hi) > 0) {
      expected = new TreeMap<>(KeyOrder::compareKeys);
    } else if (lo != null || hi != null) {
      TreeMap<byte[], byte[]> range = new TreeMap<>(KeyOrder::compareKeys);
      model.forEach(
          (k, v) -> {
            if ((lo == null || KeyOrder.compareKeys(k, lo) >= 0)
                && (hi == null || KeyOrder.compareKeys(k, hi) < 0)) {
              range.put(k, v);
            }
          });
      expected = range;
    }
    List<ListIterator> children = sources.stream().map(ListIterator::new).toList();
    try (DbIterator it =
        new UserIterator(new MergingIterator(children), snapshot, lo, hi, () -> {})) {
      it.seekToFirst();
      List<String> got = new ArrayList<>();
      while (it.isValid()) {
        got.add(it.key()[0] + "=" + it.value()[0]);
        it.next();
      }
      List<String> want = new ArrayList<>();
      expected.forEach((k, v) -> want.add(k[0] + "=" + v[0]));
      assertEquals(want, got);
    }
    assertTrue(children.stream().allMatch(c -> c.closed));
  }

  @Test
  void seekLandsOnTheFirstLiveKeyAtOrAfterTheTarget() {
    ListIterator a =
        new ListIterator(
            List.of(
                new ListIterator.Entry(new byte[] {1}, 1, EntryKind.PUT, new byte[] {10}),
                new ListIterator.Entry(new byte[] {3}, 2, EntryKind.PUT, new byte[] {30}),
                new ListIterator.Entry(new byte[] {3}, 4, EntryKind.DELETE, new byte[0]),
                new ListIterator.Entry(new byte[] {5}, 3, EntryKind.PUT, new byte[] {50})));
    try (DbIterator it = new UserIterator(a, 10, null, null, () -> {})) {
      it.seek(new byte[] {2});
      assertArrayEquals(new byte[] {5}, it.key());
      it.seek(new byte[] {0});
      assertArrayEquals(new byte[] {1}, it.key());
      it.next();
      assertArrayEquals(new byte[] {5}, it.key());
      it.next();
      assertFalse(it.isValid());
      assertThrows(java.util.NoSuchElementException.class, it::key);
    }
  }

  @Test
  void prefixBecomesBounds() {
    UserIterator.Bounds b =
        UserIterator.effectiveBounds(null, new byte[] {9}, new byte[] {4, (byte) 0xFF});
    assertArrayEquals(new byte[] {4, (byte) 0xFF}, b.lower());
    assertArrayEquals(new byte[] {5}, b.upper());
  }

  @Test
  void closeReleasesOnceAndLaterUseFails() {
    AtomicInteger released = new AtomicInteger();
    DbIterator it =
        new UserIterator(new ListIterator(List.of()), 1, null, null, released::incrementAndGet);
    it.close();
    it.close();
    assertEquals(1, released.get());
    assertThrows(IllegalStateException.class, it::seekToFirst);
  }

  @Test
  void returnedArraysBelongToTheCaller() {
    byte[] value = {7};
    ListIterator a =
        new ListIterator(List.of(new ListIterator.Entry(new byte[] {1}, 1, EntryKind.PUT, value)));
    try (DbIterator it = new UserIterator(a, 1, null, null, () -> {})) {
      it.seekToFirst();
      it.value()[0] = 99;
      it.key()[0] = 99;
      assertEquals(7, value[0]);
      assertArrayEquals(new byte[] {1}, it.key());
    }
  }
}
