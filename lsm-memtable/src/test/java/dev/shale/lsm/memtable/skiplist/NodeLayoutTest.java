package dev.shale.lsm.memtable.skiplist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shale.lsm.spi.EntryKind;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The packed big-endian keys must order exactly like unsigned bytes. */
class NodeLayoutTest {

  private static int[] node(byte[] key, long trailer) {
    int[] chunk = new int[NodeLayout.KEY + NodeLayout.words(key.length)];
    NodeLayout.writeHeader(chunk, 0, key.length, 0, 0, trailer);
    NodeLayout.pack(key, 0, key.length, chunk, NodeLayout.KEY);
    return chunk;
  }

  @Property(tries = 2_000)
  void packedKeysCompareLikeUnsignedBytes(
      @ForAll @Size(max = 9) byte[] a, @ForAll @Size(max = 9) byte[] b) {
    int expected = Integer.signum(Arrays.compareUnsigned(a, b));
    assertEquals(expected, Integer.signum(NodeLayout.compare(node(a, 5), 0, node(b, 5), 0)));
    NodeLayout.Probe probe = new NodeLayout.Probe().set(b, 5);
    assertEquals(expected, Integer.signum(NodeLayout.compare(node(a, 5), 0, probe)));
    assertEquals(expected == 0, NodeLayout.hasKey(node(a, 5), 0, probe));
    assertArrayEquals(a, NodeLayout.key(node(a, 5), 0));
  }

  @Property(tries = 500)
  void aPrefixFollowedByZerosIsStillAfterThePrefix(@ForAll @Size(max = 6) byte[] a) {
    byte[] longer = Arrays.copyOf(a, a.length + 1 + (a.length % 3));
    assertEquals(-1, Integer.signum(NodeLayout.compare(node(a, 1), 0, node(longer, 1), 0)));
  }

  @Test
  void equalKeysOrderByTrailerDescendingUnsigned() {
    byte[] k = {1, 2, 3};
    long big = (1L << 62) << 1; // top bit set
    assertEquals(-1, Integer.signum(NodeLayout.compare(node(k, big), 0, node(k, 5), 0)));
    assertEquals(1, Integer.signum(NodeLayout.compare(node(k, 4), 0, node(k, 5), 0)));
  }

  @Test
  void addRejectsBadArgumentsAndAddsAfterFreeze() {
    SkipListMemtable m = new SkipListMemtable(0);
    byte[] buffer = new byte[8];
    assertThrows(
        IllegalArgumentException.class, () -> m.add(-1, EntryKind.PUT, buffer, 0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> m.add(1, EntryKind.PUT, buffer, 4, 5, 0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> m.add(1, EntryKind.DELETE, buffer, 0, 1, 1, 1));
    m.add(1, EntryKind.PUT, buffer, 0, 1, 1, 1);
    m.freeze();
    assertThrows(IllegalStateException.class, () -> m.add(2, EntryKind.PUT, buffer, 0, 1, 1, 1));
    assertEquals(1, m.entryCount());
  }
}
