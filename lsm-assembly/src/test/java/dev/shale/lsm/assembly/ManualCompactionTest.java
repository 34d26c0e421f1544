package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.DbInspector;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full manual compaction (issue 12, items 5, 6 and 13) rewrites everything into the last level
 * once: a single file is rewritten rather than moved, so its tombstones and the versions no
 * snapshot needs any more are dropped after one {@code compactRange}, as RocksDB's {@code
 * CompactRange} with the bottommost level forced; and an automatic compaction running when it
 * starts is stopped rather than finished first, since the manual one redoes its work.
 */
class ManualCompactionTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void oneFullCompactionDropsTombstonesAndOverwrittenVersionsOfASingleFile() throws IOException {
    try (Db db = Shale.open(dir)) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"));
      db.put(b("c"), b("3"));
      db.delete(b("a"));
      db.put(b("d"), b("old"));
      try (Snapshot pinned = db.snapshot()) {
        db.put(b("d"), b("new"));
        db.flush(); // one level-0 file holding the tombstone and both versions of d
        assertEquals(
            "old",
            new String(
                db.get(b("d"), ReadOptions.defaults().withSnapshot(pinned)),
                StandardCharsets.UTF_8));
      }
      db.compactRange(null, null);
      assertNull(db.get(b("a")));
      assertArrayEquals(b("new"), db.get(b("d")));
    }
    DbInspector.ManifestInfo manifest = ShaleTools.onDisk(DbOptions.defaults()).manifest(dir);
    assertEquals(1, manifest.tables().size(), manifest.tables().toString());
    DbInspector.TableInfo table = manifest.tables().get(0);
    assertEquals(DbOptions.defaults().numLevels() - 1, table.level());
    assertEquals(0, table.tombstoneCount(), "the delete of a is dropped");
    assertEquals(3, table.entryCount(), "b, c and the newest d: nothing else");
  }

  @Test
  void aManualCompactionStopsARunningAutomaticOneAndWritesTheDataOnce() throws Exception {
    DbOptions noAutomatic =
        DbOptions.builder()
            .level0CompactionTrigger(100)
            .level0SlowdownTrigger(200)
            .level0StopTrigger(300)
            .build();
    try (Db db = Shale.builder(dir).options(noAutomatic).open()) {
      for (int file = 0; file < 4; file++) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 6000; i++) {
          batch.put(b(String.format("key%06d", i * 4 + file)), b("value " + file + "/" + i));
        }
        db.write(batch);
        db.flush();
      }
      assertEquals(4, db.stats().levels().get(0).files());
    }
    GatedStorage storage = new GatedStorage();
    DbOptions automatic = DbOptions.builder().level0CompactionTrigger(4).build();
    try (Db db = Shale.builder(dir).storage(storage).options(automatic).open()) {
      // The open started the level-0 compaction; it is held as it creates its first table.
      assertTrue(storage.held.await(60, TimeUnit.SECONDS), "no automatic compaction started");
      Thread[] manual = new Thread[1];
      CompletableFuture<Void> compacted =
          CompletableFuture.runAsync(
              () -> {
                manual[0] = Thread.currentThread();
                db.compactRange(null, null);
              });
      awaitWaitingInCompactRange(manual, compacted);
      storage.release.countDown();
      compacted.get(120, TimeUnit.SECONDS);
      DbStats stats = db.stats();
      assertEquals(1, stats.compactions().completed(), "only the manual compaction finished");
      assertEquals(
          stats.totalFileBytes(),
          stats.compactions().bytesWritten(),
          "the data was written once, by the manual compaction: " + stats.compactions());
      int last = stats.levels().size() - 1;
      assertEquals(stats.totalFiles(), stats.levels().get(last).files(), stats.levels().toString());
      assertArrayEquals(b("value 3/5999"), db.get(b(String.format("key%06d", 5999 * 4 + 3))));
    }
  }

  /** Waits until the thread running compactRange waits in the scheduler for running jobs. */
  private static void awaitWaitingInCompactRange(Thread[] manual, CompletableFuture<Void> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !done.isDone()) {
      Thread t = manual[0];
      if (t != null
          && t.getState() == Thread.State.WAITING
          && Arrays.stream(t.getStackTrace())
              .anyMatch(
                  f ->
                      f.getClassName().endsWith("CompactionScheduler")
                          && f.getMethodName().equals("compactRange"))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("compactRange did not start waiting for the running compaction");
  }

  /**
   * Disk storage that holds the first table a compaction thread creates until released, so that a
   * test can act while an automatic compaction is known to be running.
   */
  private static final class GatedStorage implements Storage {
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Storage disk = DiskStorage.instance();

    @Override
    public SequentialOutput create(Path file) throws IOException {
      if (file.toString().endsWith(".sst")
          && Thread.currentThread().getName().startsWith("shale-compaction")
          && held.getCount() > 0) {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      return disk.create(file);
    }

    @Override
    public RandomAccessInput openInput(Path file) throws IOException {
      return disk.openInput(file);
    }

    @Override
    public boolean exists(Path file) {
      return disk.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
      return disk.size(file);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
      return disk.list(directory);
    }

    @Override
    public void delete(Path file) throws IOException {
      disk.delete(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      disk.rename(source, target);
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
      disk.truncate(file, size);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
      disk.createDirectories(directory);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      disk.syncDirectory(directory);
    }

    @Override
    public Closeable lock(Path file) throws IOException {
      return disk.lock(file);
    }

    @Override
    public @Nullable Closeable lockShared(Path file) throws IOException {
      return disk.lockShared(file);
    }
  }
}
