package dev.shale.lsm.engine.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionSetTest {
  private final Storage storage = DiskStorage.instance();
  private final List<Long> released = new ArrayList<>();
  @TempDir Path dir;

  private static FileMeta file(long id, int lo, int hi) {
    return new FileMeta(id, 10, new byte[] {(byte) lo}, new byte[] {(byte) hi}, id, id, 1, 0);
  }

  private VersionSet open() throws IOException {
    return VersionSet.open(storage, dir, 4, f -> released.add(f.fileId()));
  }

  @Test
  void changesSurviveReopenAndReplacedFilesAreReleased() throws IOException {
    try (VersionSet set = open()) {
      long a = set.newFileNumber();
      long b = set.newFileNumber();
      set.logAndApply(new VersionEdit().addFile(0, file(a, 1, 5)).lastSequence(7).logNumber(2));
      Version pinned = set.acquireCurrent();
      set.logAndApply(new VersionEdit().deleteFile(0, a).addFile(1, file(b, 1, 5)));
      assertTrue(released.isEmpty(), "a pinned version keeps its files");
      pinned.unref();
      assertEquals(List.of(a), released);
    }
    released.clear();
    try (VersionSet set = open()) {
      Version v = set.current();
      assertEquals(0, v.level(0).size());
      assertEquals(1, v.level(1).size());
      assertEquals(7, set.lastSequence());
      assertEquals(2, set.logNumber());
      assertTrue(set.newFileNumber() > v.level(1).get(0).fileId());
    }
  }

  @Test
  void overlappingFilesInASortedLevelAreRefused() throws IOException {
    try (VersionSet set = open()) {
      set.logAndApply(new VersionEdit().addFile(1, file(1, 1, 5)));
      assertThrows(
          IllegalStateException.class,
          () -> set.logAndApply(new VersionEdit().addFile(1, file(2, 5, 9))));
      assertEquals(1, set.current().level(1).size());
    }
  }

  @Test
  void levelZeroIsOrderedNewestFirst() throws IOException {
    try (VersionSet set = open()) {
      set.logAndApply(
          new VersionEdit()
              .addFile(0, file(1, 1, 5))
              .addFile(0, file(3, 1, 5))
              .addFile(0, file(2, 1, 5)));
      assertEquals(
          List.of(3L, 2L, 1L), set.current().level(0).stream().map(FileMeta::fileId).toList());
    }
  }

  @Test
  void aDamagedCurrentPointerIsCorruption() throws IOException {
    open().close();
    Files.writeString(dir.resolve("CURRENT"), "garbage\n");
    assertThrows(CorruptionException.class, this::open);
  }

  @Test
  void tooFewLevelsForTheStoredTreeIsAClearError() throws IOException {
    try (VersionSet set = open()) {
      set.logAndApply(new VersionEdit().addFile(3, file(1, 1, 5)));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VersionSet.open(storage, dir, 2, f -> {}));
    assertTrue(e.getMessage().contains("numLevels >= 4"), e.getMessage());
  }
}
