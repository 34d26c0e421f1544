package dev.shale.lsm.engine.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLogTest {
  private final Storage storage = DiskStorage.instance();
  @TempDir Path dir;

  private static FileMeta file(long id) {
    return new FileMeta(
        id, 100 * id, new byte[] {(byte) id}, new byte[] {(byte) (id + 1)}, id, id + 5, 7, 1);
  }

  private Path writeThree() throws IOException {
    Path file = dir.resolve("MANIFEST");
    try (ManifestLog log = ManifestLog.create(storage, file)) {
      log.append(
          new VersionEdit().addFile(0, file(1)).lastSequence(10).compactionStrategy("leveled"));
      log.append(new VersionEdit().addFile(1, file(2)).deleteFile(0, 1).logNumber(3));
      log.append(new VersionEdit().nextFileNumber(9).writerEpoch(4));
    }
    return file;
  }

  @Test
  void editsRoundTrip() throws IOException {
    ManifestLog.Contents contents = ManifestLog.read(storage, writeThree());
    assertNull(contents.suspectTail());
    List<VersionEdit> edits = contents.edits();
    assertEquals(3, edits.size());
    assertEquals(10L, edits.get(0).lastSequence());
    assertEquals("leveled", edits.get(0).compactionStrategy());
    FileMeta f = edits.get(0).addedFiles().get(0).file();
    assertEquals(1, f.fileId());
    assertEquals(100, f.sizeBytes());
    assertEquals(6, f.largestSequence());
    assertEquals(List.of(new VersionEdit.DeletedFile(0, 1)), edits.get(1).deletedFiles());
    assertEquals(3L, edits.get(1).logNumber());
    assertEquals(4L, edits.get(2).writerEpoch());
  }

  @Test
  void aCutOrDamagedLastRecordIsReportedAsASuspectTailNotDropped() throws IOException {
    Path file = writeThree();
    byte[] full = Files.readAllBytes(file);
    int lastStart = lastRecordStart(full);
    for (int cut = lastStart + 1; cut < full.length; cut++) {
      Files.write(file, Arrays.copyOf(full, cut));
      ManifestLog.Contents contents = ManifestLog.read(storage, file);
      assertEquals(2, contents.edits().size(), "cut at " + cut);
      assertNotNull(contents.suspectTail(), "cut at " + cut);
      assertEquals(lastStart, contents.suspectTail().offset());
    }
    for (int i = lastStart; i < full.length; i++) {
      byte[] flipped = full.clone();
      flipped[i] ^= 0x10;
      Files.write(file, flipped);
      ManifestLog.Contents contents = ManifestLog.read(storage, file);
      assertEquals(2, contents.edits().size(), "flip at " + i);
      assertNotNull(contents.suspectTail(), "a damaged last record must be reported, flip " + i);
    }
    byte[] zeroTail = Arrays.copyOf(full, full.length + 4096);
    Files.write(file, zeroTail);
    ManifestLog.Contents contents = ManifestLog.read(storage, file);
    assertEquals(3, contents.edits().size());
    assertEquals(full.length, contents.suspectTail().offset());
  }

  @Test
  void aDamagedSnapshotRecordIsCorruptionEvenWhenItIsTheLast() throws IOException {
    Path file = dir.resolve("MANIFEST");
    try (ManifestLog log = ManifestLog.create(storage, file)) {
      log.append(new VersionEdit().addFile(0, file(1)).lastSequence(10));
    }
    byte[] full = Files.readAllBytes(file);
    for (int cut = ManifestLog.HEADER_BYTES + 1; cut < full.length; cut++) {
      Files.write(file, Arrays.copyOf(full, cut));
      assertThrows(CorruptionException.class, () -> ManifestLog.read(storage, file), "cut " + cut);
    }
    byte[] flipped = full.clone();
    flipped[full.length - 1] ^= 1;
    Files.write(file, flipped);
    assertThrows(CorruptionException.class, () -> ManifestLog.read(storage, file));
  }

  @Test
  void damageBeforeTheLastRecordIsCorruptionNamingTheOffset() throws IOException {
    Path file = writeThree();
    byte[] full = Files.readAllBytes(file);
    int lastStart = lastRecordStart(full);
    for (int i = 0; i < lastStart; i++) {
      byte[] bad = full.clone();
      bad[i] ^= 0x01;
      Files.write(file, bad);
      CorruptionException e =
          assertThrows(
              CorruptionException.class, () -> ManifestLog.read(storage, file), "byte " + i);
      assertEquals(file.toString(), e.file());
      assertTrue(e.offset() >= 0 && e.offset() <= i, "offset " + e.offset() + " for byte " + i);
    }
  }

  @Property(tries = 200)
  void decodingGarbageIsCorruptionOnly(@ForAll byte[] garbage) {
    try {
      VersionEdit.decode(garbage, "m", 0);
    } catch (CorruptionException expected) {
      // the only allowed failure
    }
  }

  private static int lastRecordStart(byte[] data) {
    int at = ManifestLog.HEADER_BYTES;
    int last = at;
    while (at < data.length) {
      last = at;
      int length = java.nio.ByteBuffer.wrap(data, at, 4).getInt();
      at += ManifestLog.RECORD_HEADER_BYTES + length;
    }
    return last;
  }
}
