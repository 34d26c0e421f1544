package dev.shale.lsm.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitsTest {

  @Test
  void parsesSizesWithBinaryUnitsInAnyCase() {
    assertEquals(4096, Units.parseBytes("4096"));
    assertEquals(64L << 10, Units.parseBytes("64k"));
    assertEquals(64L << 20, Units.parseBytes("64M"));
    assertEquals(64L << 20, Units.parseBytes("64MiB"));
    assertEquals(1L << 30, Units.parseBytes("1 GB"));
    assertEquals(2L << 40, Units.parseBytes("2t"));
    assertEquals(7, Units.parseBytes("7b"));
  }

  @Test
  void rejectsWhatIsNotASize() {
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes(""));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("m"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("-1k"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("1.5m"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("12q"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("9999999999999t"));
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("99999999999999999999"));
  }

  @Test
  void formatsForPeople() {
    assertEquals("0 B", Units.bytes(0));
    assertEquals("1023 B", Units.bytes(1023));
    assertEquals("1.0 KiB", Units.bytes(1024));
    assertEquals("1.5 MiB", Units.bytes(3L << 19));
    assertEquals("8.0 EiB", Units.bytes(Long.MAX_VALUE));
    assertEquals("1,234,567", Units.count(1_234_567));
    assertEquals("850 ms", Units.duration(850_000_000L));
    assertEquals("12.3 s", Units.duration(12_340_000_000L));
    assertEquals(500, Units.perSecond(1000, 2_000_000_000L));
    assertEquals(0, Units.perSecond(1000, 0));
  }
}
