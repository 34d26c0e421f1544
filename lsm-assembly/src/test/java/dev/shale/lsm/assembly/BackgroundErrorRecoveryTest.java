package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic recovery from background errors a transient condition caused: a disk that fills up and
 * is freed later (during a flush, and during a log write), and an OutOfMemoryError in a flush. The
 * Db turns read-only, says so in its stats, retries on its own, accepts writes again once the
 * condition passes, and loses nothing it acknowledged (checked again after reopening).
 */
class BackgroundErrorRecoveryTest {
  private static final long WAIT_NANOS = 60_000_000_000L;
  private static final WriteOptions SYNCED = WriteOptions.of(Durability.LOCAL);

  @TempDir Path dir;

  private static final DbOptions OPTIONS =
      DbOptions.builder()
          .memtableBytes(4 * 1024 * 1024)
          .level0SlowdownTrigger(1000)
          .level0StopTrigger(1000)
          .build();

  private static byte[] key(int k) {
    return String.format("key%06d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int k) {
    return String.format("value-%d-%s", k, "v".repeat(100)).getBytes(StandardCharsets.UTF_8);
  }

  private Db open(Storage storage) {
    return Shale.builder(dir)
        .storage(storage)
        .compaction(new NoCompaction())
        .options(OPTIONS)
        .open();
  }

  @Test
  void aDiskFullDuringFlushIsRecoveredFromOnceSpaceIsBack() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    try (Db db = open(storage)) {
      for (int k = 0; k < 2000; k++) {
        db.put(key(k), value(k));
      }
      storage.diskFullAfter(1024);
      assertThrows(StorageIOException.class, db::flush);
      assertEquals(DbStats.BackgroundErrors.State.RETRYING, db.stats().backgroundErrors().state());
      assertTrue(db.stats().writes().readOnlyReason().contains("No space left on device"));
      StorageIOException refused =
          assertThrows(StorageIOException.class, () -> db.put(key(-1), value(-1)));
      assertTrue(refused.getMessage().contains("retried automatically"), refused.getMessage());
      Thread.sleep(1500); // a retry or two run and fail while the disk is still full
      assertEquals(DbStats.BackgroundErrors.State.RETRYING, db.stats().backgroundErrors().state());

      storage.clearFaults();
      awaitHealthy(db);
      DbStats.BackgroundErrors recovery = db.stats().backgroundErrors();
      assertEquals(1, recovery.recoveries(), recovery.toString());
      assertTrue(recovery.lastError().contains("No space left on device"), recovery.toString());
      assertEquals("", db.stats().writes().readOnlyReason());
      db.put(key(2000), value(2000), SYNCED);
      db.flush();
      for (int k = 0; k <= 2000; k++) {
        assertArrayEquals(value(k), db.get(key(k)), "key " + k);
      }
    }
    reopenAndCheck(2001);
  }

  @Test
  void aDiskFullDuringALogWriteIsRecoveredFromWithoutATornLog() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    int acknowledged = 0;
    try (Db db = open(storage)) {
      for (; acknowledged < 500; acknowledged++) {
        db.put(key(acknowledged), value(acknowledged), SYNCED);
      }
      storage.diskFullAfter(50); // the next record is torn: part of it reaches the log
      assertThrows(StorageIOException.class, () -> db.put(key(500), value(500), SYNCED));
      assertEquals(DbStats.BackgroundErrors.State.RETRYING, db.stats().backgroundErrors().state());
      storage.clearFaults();
      awaitHealthy(db);
      // Writes after the recovery land behind the torn record's segment, which the recovery
      // flushed past, so the next open reads them all.
      for (int k = 501; k < 800; k++) {
        db.put(key(k), value(k), SYNCED);
      }
    }
    try (Db db = open(DiskStorage.instance())) {
      for (int k = 0; k < 500; k++) {
        assertArrayEquals(value(k), db.get(key(k)), "acknowledged before the failure: key " + k);
      }
      for (int k = 501; k < 800; k++) {
        assertArrayEquals(value(k), db.get(key(k)), "acknowledged after the recovery: key " + k);
      }
    }
  }

  @Test
  void anOutOfMemoryErrorInAFlushIsRetriedAndRecoveredFrom() throws Exception {
    OutOfMemoryOnce storage = new OutOfMemoryOnce(DiskStorage.instance());
    try (Db db = open(storage)) {
      for (int k = 0; k < 2000; k++) {
        db.put(key(k), value(k));
      }
      storage.armed.set(1);
      assertThrows(StorageIOException.class, db::flush);
      assertEquals(1, storage.thrown.get(), "the flush met the injected OutOfMemoryError");
      awaitHealthy(db); // the heap is back at once: the first retry succeeds
      assertTrue(db.stats().backgroundErrors().lastError().contains("OutOfMemoryError"));
      assertEquals(1, db.stats().levels().get(0).files(), "the retry flushed the memtable");
      db.put(key(2000), value(2000), SYNCED);
    }
    reopenAndCheck(2001);
  }

  private static void awaitHealthy(Db db) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (db.stats().backgroundErrors().state() != DbStats.BackgroundErrors.State.HEALTHY
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(
        DbStats.BackgroundErrors.State.HEALTHY,
        db.stats().backgroundErrors().state(),
        db.stats().toString());
  }

  private void reopenAndCheck(int keys) {
    try (Db db = open(DiskStorage.instance())) {
      for (int k = 0; k < keys; k++) {
        assertArrayEquals(value(k), db.get(key(k)), "key " + k + " after reopening");
      }
    }
  }

  /** Throws OutOfMemoryError from the first write of the next new table ({@code armed}). */
  private static final class OutOfMemoryOnce implements Storage {
    final AtomicInteger armed = new AtomicInteger();
    final AtomicInteger thrown = new AtomicInteger();
    private final Storage delegate;

    OutOfMemoryOnce(Storage delegate) {
      this.delegate = delegate;
    }

    @Override
    public SequentialOutput create(Path file) throws IOException {
      SequentialOutput out = delegate.create(file);
      if (!file.toString().endsWith(".sst") || armed.get() == 0) {
        return out;
      }
      return new SequentialOutput() {
        @Override
        public String name() {
          return out.name();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          if (armed.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            thrown.incrementAndGet();
            throw new OutOfMemoryError("Java heap space (injected)");
          }
          out.write(bytes, offset, length);
        }

        @Override
        public long position() {
          return out.position();
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void sync() throws IOException {
          out.sync();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public RandomAccessInput openInput(Path file) throws IOException {
      return delegate.openInput(file);
    }

    @Override
    public boolean exists(Path file) {
      return delegate.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
      return delegate.size(file);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
      return delegate.list(directory);
    }

    @Override
    public void delete(Path file) throws IOException {
      delegate.delete(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      delegate.rename(source, target);
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
      delegate.truncate(file, size);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
      delegate.createDirectories(directory);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      delegate.syncDirectory(directory);
    }

    @Override
    public Closeable lock(Path file) throws IOException {
      return delegate.lock(file);
    }
  }
}
