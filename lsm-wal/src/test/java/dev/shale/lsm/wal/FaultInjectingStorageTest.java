package dev.shale.lsm.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import dev.shale.lsm.tck.io.FaultInjectingStorage.UnsyncedData;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link FaultInjectingStorage} models, checked on real files (it lives in lsm-tck). */
class FaultInjectingStorageTest {
  @TempDir Path dir;

  private FaultInjectingStorage storage;

  @BeforeEach
  void wrapDisk() {
    storage = new FaultInjectingStorage(DiskStorage.instance(), 7);
  }

  @Test
  void countsWritesAndSyncs() throws IOException {
    try (SequentialOutput out = storage.create(dir.resolve("f"))) {
      out.write(bytes(10, 1));
      out.write(bytes(10, 2));
      out.sync();
    }
    storage.syncDirectory(dir);
    storage.truncate(dir.resolve("f"), 5);
    assertEquals(2, storage.writes());
    assertEquals(2, storage.fileSyncs(), "sync() and truncate() are file syncs");
    assertEquals(1, storage.directorySyncs());
  }

  @Test
  void powerLossKeepsExactlyTheSyncedBytes() throws IOException {
    Path file = dir.resolve("f");
    SequentialOutput out = storage.create(file);
    storage.syncDirectory(dir);
    out.write(bytes(100, 1));
    out.sync();
    out.write(bytes(50, 2));
    out.flush();
    storage.simulatePowerLoss();
    assertArrayEquals(bytes(100, 1), Files.readAllBytes(file));
    assertThrows(IOException.class, () -> out.write(bytes(1, 3)), "the output died");
    assertThrows(IOException.class, out::sync);
    assertDoesNotThrow(out::close);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aTornTailIsAPrefixOfWhatReachedTheOs(long seed) throws IOException {
    storage = new FaultInjectingStorage(DiskStorage.instance(), seed);
    Path file = dir.resolve("f");
    SequentialOutput out = storage.create(file);
    storage.syncDirectory(dir);
    byte[] all = bytes(300, 9);
    out.write(all, 0, 100);
    out.sync();
    out.write(all, 100, 100);
    out.flush();
    out.write(all, 200, 100); // never handed to the OS: always lost
    storage.simulatePowerLoss(UnsyncedData.TORN);
    byte[] left = Files.readAllBytes(file);
    assertTrue(left.length >= 100 && left.length <= 200, "length " + left.length);
    assertArrayEquals(Arrays.copyOf(all, left.length), left);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aZeroedTailKeepsTheSyncedBytesThenZeros(long seed) throws IOException {
    storage = new FaultInjectingStorage(DiskStorage.instance(), seed);
    Path file = dir.resolve("f");
    SequentialOutput out = storage.create(file);
    storage.syncDirectory(dir);
    out.write(bytes(100, 1));
    out.sync();
    out.write(bytes(100, 2));
    out.flush();
    storage.simulatePowerLoss(UnsyncedData.ZEROED);
    byte[] left = Files.readAllBytes(file);
    assertTrue(left.length >= 100 && left.length <= 200, "length " + left.length);
    assertArrayEquals(bytes(100, 1), Arrays.copyOf(left, 100));
    for (int i = 100; i < left.length; i++) {
      assertEquals(0, left[i], "byte " + i);
    }
  }

  @Test
  void aFileCreatedWithoutADirectorySyncVanishes() throws IOException {
    Path kept = dir.resolve("kept");
    Path lost = dir.resolve("lost");
    try (SequentialOutput out = storage.create(kept)) {
      out.sync();
    }
    storage.syncDirectory(dir);
    try (SequentialOutput out = storage.create(lost)) {
      out.write(bytes(10, 1));
      out.sync();
    }
    storage.simulatePowerLoss();
    assertTrue(Files.exists(kept));
    assertFalse(Files.exists(lost), "its creation was never made durable");
  }

  @Test
  void unsyncedDeletesAndRenamesAreUndone() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Path c = dir.resolve("c");
    writeDurably(a, bytes(10, 1));
    writeDurably(b, bytes(20, 2));
    writeDurably(c, bytes(30, 3));
    storage.delete(a);
    storage.rename(b, c); // replaces c
    assertFalse(Files.exists(a));
    storage.simulatePowerLoss();
    assertArrayEquals(bytes(10, 1), Files.readAllBytes(a), "the delete was undone");
    assertArrayEquals(bytes(20, 2), Files.readAllBytes(b), "the rename was undone");
    assertArrayEquals(bytes(30, 3), Files.readAllBytes(c), "the replaced target is back");
  }

  @Test
  void syncedDeletesAndRenamesStay() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    writeDurably(a, bytes(10, 1));
    writeDurably(b, bytes(20, 2));
    storage.delete(a);
    storage.rename(b, dir.resolve("b2"));
    storage.syncDirectory(dir);
    storage.simulatePowerLoss();
    assertFalse(Files.exists(a));
    assertFalse(Files.exists(b));
    assertArrayEquals(bytes(20, 2), Files.readAllBytes(dir.resolve("b2")));
  }

  @Test
  void aRenamedFileKeepsOnlyItsSyncedBytes() throws IOException {
    Path a = dir.resolve("a");
    SequentialOutput out = storage.create(a);
    out.write(bytes(10, 1));
    out.sync();
    out.write(bytes(10, 2));
    out.close();
    storage.rename(a, dir.resolve("b"));
    storage.syncDirectory(dir);
    storage.simulatePowerLoss();
    assertArrayEquals(bytes(10, 1), Files.readAllBytes(dir.resolve("b")));
  }

  @Test
  void truncateMakesTheLengthDurable() throws IOException {
    Path file = dir.resolve("f");
    SequentialOutput out = storage.create(file);
    storage.syncDirectory(dir);
    out.write(bytes(40, 1));
    out.close(); // handed to the OS, never synced
    storage.truncate(file, 40); // the one way to sync a file one is not writing
    storage.simulatePowerLoss();
    assertArrayEquals(bytes(40, 1), Files.readAllBytes(file));
  }

  @Test
  void injectedWriteAndSyncFailuresFireOnceEach() throws IOException {
    Path file = dir.resolve("f");
    try (SequentialOutput out = storage.create(file)) {
      storage.failNextWrites(1);
      assertThrows(IOException.class, () -> out.write(bytes(5, 1)));
      out.write(bytes(5, 2));
      storage.failNextSyncs(2);
      assertThrows(IOException.class, out::sync);
      assertThrows(IOException.class, () -> storage.syncDirectory(dir));
      out.sync();
      storage.syncDirectory(dir);
    }
    assertArrayEquals(bytes(5, 2), Files.readAllBytes(file), "a failed write writes nothing");
  }

  @Test
  void aFailedSyncMakesNothingDurable() throws IOException {
    Path file = dir.resolve("f");
    SequentialOutput out = storage.create(file);
    storage.syncDirectory(dir);
    out.write(bytes(10, 1));
    storage.failNextSyncs(1);
    assertThrows(IOException.class, out::sync);
    assertEquals(10, Files.size(file), "the bytes reached the OS");
    storage.simulatePowerLoss();
    assertEquals(0, Files.size(file), "but not the device");
  }

  @Test
  void aFullDiskStoresWhatFitsThenRefusesEveryWrite() throws IOException {
    Path file = dir.resolve("f");
    try (SequentialOutput out = storage.create(file)) {
      storage.diskFullAfter(15);
      out.write(bytes(10, 1));
      IOException e = assertThrows(IOException.class, () -> out.write(bytes(10, 2)));
      assertTrue(e.getMessage().startsWith("No space left on device"), e.getMessage());
      assertThrows(IOException.class, () -> out.write(bytes(1, 3)));
      storage.clearFaults();
      out.write(bytes(1, 4));
    }
    byte[] left = Files.readAllBytes(file);
    assertEquals(16, left.length);
    assertArrayEquals(Arrays.copyOf(bytes(10, 2), 5), Arrays.copyOfRange(left, 10, 15));
  }

  @Test
  void aTornWriteStoresAStrictPrefix() throws IOException {
    Path file = dir.resolve("f");
    try (SequentialOutput out = storage.create(file)) {
      storage.tearNextWrite();
      assertThrows(IOException.class, () -> out.write(bytes(100, 1)));
      out.write(bytes(3, 2)); // only the next write tears
    }
    byte[] left = Files.readAllBytes(file);
    int torn = left.length - 3;
    assertTrue(torn >= 0 && torn < 100, "torn length " + torn);
    assertArrayEquals(Arrays.copyOf(bytes(100, 1), torn), Arrays.copyOf(left, torn));
  }

  @Test
  void powerLossReleasesLocks() throws IOException {
    Path lockFile = dir.resolve("LOCK");
    Closeable lock = storage.lock(lockFile);
    assertThrows(IOException.class, () -> storage.lock(lockFile));
    storage.simulatePowerLoss();
    Closeable again = storage.lock(lockFile);
    assertDoesNotThrow(lock::close, "closing a lock the power released is harmless");
    again.close();
  }

  private void writeDurably(Path file, byte[] content) throws IOException {
    try (SequentialOutput out = storage.create(file)) {
      out.write(content);
      out.sync();
    }
    storage.syncDirectory(file.getParent());
  }

  private static byte[] bytes(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (salt * 31 + i);
    }
    return b;
  }
}
