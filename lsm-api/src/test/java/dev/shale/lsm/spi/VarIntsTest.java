package dev.shale.lsm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class VarIntsTest {

  @Property
  void roundTripsEveryInt(@ForAll int value) {
    byte[] buf = new byte[8];
    int end = VarInts.write(buf, 1, value);
    assertEquals(1 + VarInts.encodedLength(value), end);
    long packed = VarInts.read(buf, 1, end);
    assertEquals(value, VarInts.value(packed));
    assertEquals(end, VarInts.next(packed));
  }

  @Test
  void encodedLengthsAtBoundaries() {
    assertEquals(1, VarInts.encodedLength(0));
    assertEquals(1, VarInts.encodedLength(127));
    assertEquals(2, VarInts.encodedLength(128));
    assertEquals(5, VarInts.encodedLength(-1));
  }

  @Test
  void truncatedAndOverlongVarintsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> VarInts.read(new byte[] {(byte) 0x80}, 0, 1));
    byte[] tooLong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
    assertThrows(IllegalArgumentException.class, () -> VarInts.read(tooLong, 0, 5));
  }
}
