package dev.shale.lsm.spi.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStorageTest {
  private final Storage storage = DiskStorage.instance();
  @TempDir Path dir;

  @Test
  void writesReadsAndBuffersLargeAndSmallWrites() throws IOException {
    Path file = dir.resolve("a");
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    try (SequentialOutput out = storage.create(file)) {
      out.write(new byte[] {7});
      out.write(big);
      out.write(new byte[] {8});
      assertEquals(big.length + 2, out.position());
      out.sync();
    }
    try (RandomAccessInput in = storage.openInput(file)) {
      assertEquals(big.length + 2, in.length());
      byte[] got = new byte[big.length];
      in.readFully(1, got, 0, got.length);
      assertArrayEquals(big, got);
      assertThrows(EOFException.class, () -> in.readFully(in.length() - 1, new byte[2], 0, 2));
    }
  }

  @Test
  void createRefusesAnExistingFile() throws IOException {
    Path file = dir.resolve("a");
    storage.create(file).close();
    assertThrows(FileAlreadyExistsException.class, () -> storage.create(file));
  }

  @Test
  void listRenameTruncateDelete() throws IOException {
    storage.createDirectories(dir.resolve("x/y"));
    try (SequentialOutput out = storage.create(dir.resolve("x/y/b"))) {
      out.write(new byte[10]);
    }
    storage.create(dir.resolve("x/y/a")).close();
    assertEquals(
        List.of(dir.resolve("x/y/a"), dir.resolve("x/y/b")), storage.list(dir.resolve("x/y")));
    storage.truncate(dir.resolve("x/y/b"), 4);
    assertEquals(4, storage.size(dir.resolve("x/y/b")));
    storage.rename(dir.resolve("x/y/b"), dir.resolve("x/y/a"));
    assertEquals(4, storage.size(dir.resolve("x/y/a")));
    storage.delete(dir.resolve("x/y/a"));
    storage.delete(dir.resolve("x/y/a"));
    assertFalse(storage.exists(dir.resolve("x/y/a")));
    assertTrue(storage.list(dir.resolve("missing")).isEmpty());
    storage.syncDirectory(dir.resolve("x"));
  }

  @Test
  void lockIsExclusiveUntilClosed() throws IOException {
    Path lockFile = dir.resolve("LOCK");
    Closeable held = storage.lock(lockFile);
    IOException e = assertThrows(IOException.class, () -> storage.lock(lockFile));
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
    held.close();
    storage.lock(lockFile).close();
  }

  @Test
  void sharedLocksCoexistAndExcludeTheExclusiveLockBothWays() throws IOException {
    Path lockFile = dir.resolve("LOCK");
    storage.lock(lockFile).close(); // a writer opened the Db once and left the file behind
    Closeable first = storage.lockShared(lockFile);
    Closeable second = storage.lockShared(lockFile);
    assertTrue(first != null && second != null);
    IOException e = assertThrows(IOException.class, () -> storage.lock(lockFile));
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
    first.close();
    first.close(); // idempotent: must not release the second holder's share
    assertThrows(IOException.class, () -> storage.lock(lockFile));
    second.close();
    Closeable exclusive = storage.lock(lockFile);
    IOException shared = assertThrows(IOException.class, () -> storage.lockShared(lockFile));
    assertTrue(shared.getMessage().contains("locked"), shared.getMessage());
    exclusive.close();
    Closeable again = storage.lockShared(lockFile);
    assertTrue(again != null);
    again.close();
    assertEquals(0, storage.size(lockFile));
  }

  @Test
  void sharedLockOnAMissingFileLocksNothingAndCreatesNothing() throws IOException {
    assertEquals(null, storage.lockShared(dir.resolve("LOCK")));
    assertTrue(storage.list(dir).isEmpty());
  }
}
