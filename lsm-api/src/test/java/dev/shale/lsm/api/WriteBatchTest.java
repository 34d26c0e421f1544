package dev.shale.lsm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.EntryKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WriteBatchTest {

  record Op(boolean put, byte[] key, byte[] value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(500);
    return Combinators.combine(Arbitraries.of(true, false), keys, values)
        .as(Op::new)
        .list()
        .ofMaxSize(50);
  }

  @Property(tries = 200)
  void encodingRoundTripsEveryOperationInOrder(@ForAll("ops") List<Op> ops) {
    WriteBatch batch = new WriteBatch();
    for (Op op : ops) {
      if (op.put()) {
        batch.put(op.key(), op.value());
      } else {
        batch.delete(op.key());
      }
    }
    assertEquals(ops.size(), batch.count());
    byte[] encoded = batch.toEncoded();
    assertEquals(batch.encodedLength(), encoded.length);
    WriteBatch decoded = WriteBatch.fromEncoded(encoded, 0, encoded.length, ops.size());
    List<Op> seen = new ArrayList<>();
    decoded.forEach(
        (i, kind, buf, ko, kl, vo, vl) ->
            seen.add(
                new Op(
                    kind == EntryKind.PUT,
                    Arrays.copyOfRange(buf, ko, ko + kl),
                    Arrays.copyOfRange(buf, vo, vo + vl))));
    assertEquals(ops.size(), seen.size());
    for (int i = 0; i < ops.size(); i++) {
      assertEquals(ops.get(i).put(), seen.get(i).put());
      assertArrayEquals(ops.get(i).key(), seen.get(i).key());
      assertArrayEquals(ops.get(i).put() ? ops.get(i).value() : new byte[0], seen.get(i).value());
    }
    assertEquals(batch.maxKeyLength(), decoded.maxKeyLength());
    assertEquals(batch.maxValueLength(), decoded.maxValueLength());
  }

  @Property(tries = 300)
  void decodingGarbageFailsWithIllegalArgumentOnly(
      @ForAll byte[] garbage, @ForAll("counts") int count) {
    try {
      WriteBatch.fromEncoded(garbage, 0, garbage.length, count);
    } catch (IllegalArgumentException expected) {
      // the only allowed failure
    }
  }

  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.integers().between(0, 5);
  }

  @Test
  void callerMayReuseItsArraysAfterAdding() {
    byte[] key = {1, 2, 3};
    byte[] value = {9};
    WriteBatch batch = new WriteBatch().put(key, value);
    key[0] = 42;
    value[0] = 42;
    batch.forEach(
        (i, kind, buf, ko, kl, vo, vl) -> {
          assertEquals(1, buf[ko]);
          assertEquals(9, buf[vo]);
        });
  }

  @Test
  void rejectsNullAndEmptyKeysAndNullValuesWithoutChange() {
    WriteBatch batch = new WriteBatch().put(new byte[] {1}, new byte[] {2});
    int length = batch.encodedLength();
    assertThrows(IllegalArgumentException.class, () -> batch.put(null, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> batch.put(new byte[0], new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> batch.put(new byte[] {1}, null));
    assertThrows(IllegalArgumentException.class, () -> batch.delete(null));
    assertThrows(IllegalArgumentException.class, () -> batch.delete(new byte[0]));
    assertEquals(1, batch.count());
    assertEquals(length, batch.encodedLength());
  }

  @Test
  void clearEmptiesTheBatch() {
    WriteBatch batch = new WriteBatch().put(new byte[] {1}, new byte[100]).delete(new byte[] {2});
    batch.clear();
    assertTrue(batch.isEmpty());
    assertEquals(0, batch.encodedLength());
    assertEquals(0, batch.maxValueLength());
  }

  @Test
  void countMismatchIsRejected() {
    byte[] encoded = new WriteBatch().put(new byte[] {1}, new byte[] {2}).toEncoded();
    assertThrows(
        IllegalArgumentException.class,
        () -> WriteBatch.fromEncoded(encoded, 0, encoded.length, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> WriteBatch.fromEncoded(encoded, 0, encoded.length, 0));
  }
}
