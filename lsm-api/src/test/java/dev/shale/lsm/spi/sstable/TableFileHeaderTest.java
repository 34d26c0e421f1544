package dev.shale.lsm.spi.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFileHeaderTest {
  @TempDir Path dir;

  @Test
  void roundTripsNameAndVersion() throws IOException {
    Path file = dir.resolve("t.sst");
    TableFileHeader written;
    try (SequentialOutput out = DiskStorage.instance().create(file)) {
      written = TableFileHeader.write(out, "block", 3);
      out.write(new byte[] {1, 2, 3});
    }
    try (RandomAccessInput in = DiskStorage.instance().openInput(file)) {
      TableFileHeader read = TableFileHeader.read(in);
      assertEquals(written, read);
      assertEquals("block", read.formatName());
      assertEquals(3, read.formatVersion());
    }
  }

  @Test
  void everyFlippedByteOfTheHeaderIsDetected() throws IOException {
    Path file = dir.resolve("t.sst");
    int length;
    try (SequentialOutput out = DiskStorage.instance().create(file)) {
      length = TableFileHeader.write(out, "block", 1).length();
    }
    byte[] good = Files.readAllBytes(file);
    for (int i = 0; i < length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Path damaged = dir.resolve("bad" + i);
      Files.write(damaged, bad);
      try (RandomAccessInput in = DiskStorage.instance().openInput(damaged)) {
        CorruptionException e =
            assertThrows(CorruptionException.class, () -> TableFileHeader.read(in));
        assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
      }
    }
  }

  @Test
  void wrongMagicSaysItIsNotATable() throws IOException {
    Path file = dir.resolve("x");
    Files.write(file, new byte[64]);
    try (RandomAccessInput in = DiskStorage.instance().openInput(file)) {
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> TableFileHeader.read(in));
      assertTrue(e.getMessage().contains("not a Shale table file"), e.getMessage());
      assertEquals(0, e.offset());
    }
  }
}
