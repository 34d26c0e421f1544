package dev.shale.lsm.engine.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WriteBatch;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link WalObject}: records round-trip whole and in order; {@code decode} promises a {@link
 * CorruptionException} (naming the key and an offset) for any damage, and nothing else, for every
 * flipped byte and every cut of a valid object and for random garbage.
 */
class WalObjectTest {
  private static byte[] sample() {
    WalObject.Builder b = new WalObject.Builder();
    b.add(10, new WriteBatch().put("a".getBytes(UTF_8), "1".getBytes(UTF_8)));
    b.add(11, new WriteBatch().put("b".getBytes(UTF_8), new byte[0]).delete("c".getBytes(UTF_8)));
    b.add(13, new WriteBatch().put("d".getBytes(UTF_8), "x".repeat(300).getBytes(UTF_8)));
    return b.build(7, 42);
  }

  @Test
  void recordsRoundTrip() {
    WalObject.Decoded d = WalObject.decode("wal/42", sample());
    assertEquals(7, d.epoch());
    assertEquals(42, d.id());
    assertEquals(10, d.firstSequence());
    assertEquals(13, d.lastSequence());
    List<WalObject.Record> records = d.records();
    assertEquals(
        List.of(10L, 11L, 13L), records.stream().map(WalObject.Record::firstSequence).toList());
    assertEquals(2, records.get(1).batch().count());
    assertEquals(12, records.get(1).lastSequence());
  }

  @Test
  void everyFlippedByteAndEveryCutIsCorruptionNamingTheKey() {
    byte[] good = sample();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x20;
      CorruptionException e =
          assertThrows(
              CorruptionException.class, () -> WalObject.decode("wal/42", bad), "byte " + i);
      assertEquals("wal/42", e.file());
      assertTrue(e.offset() >= 0 && e.offset() <= good.length, e.toString());
    }
    for (int cut = 1; cut < good.length; cut++) {
      byte[] shorter = Arrays.copyOf(good, cut);
      assertThrows(
          CorruptionException.class, () -> WalObject.decode("wal/42", shorter), "cut at " + cut);
    }
    assertArrayEquals(good, sample(), "encoding is deterministic");
  }

  @Property(tries = 300)
  void garbageIsCorruptionOnly(@ForAll @Size(max = 400) byte[] garbage) {
    try {
      WalObject.decode("wal/1", garbage);
    } catch (CorruptionException expected) {
      // the only failure decode may have
    }
  }
}
