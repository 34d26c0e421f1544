package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.WalFixture.Rec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.wal.WalSegment;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented log's writer and bookkeeping, beyond what the conformance suite checks. */
class SegmentedLogTest {
  @TempDir Path dir;

  @Test
  void aCommitGroupCostsOneWriteAndOneSync() throws IOException {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    try (WriteAheadLog log = WalFixture.open(storage, dir, WalFixture.LARGE_SEGMENT)) {
      log.replay(0, WalRecoveryMode.TOLERATE_CORRUPTED_TAIL, (f, b) -> {});
      long next = 1;
      for (int group = 0; group < 5; group++) {
        long writes = storage.writes();
        long syncs = storage.fileSyncs();
        for (int i = 0; i < 8; i++) {
          log.append(next, WalFixture.batch(i, 2));
          next += 2;
        }
        assertEquals(writes, storage.writes(), "append must not write");
        log.sync();
        assertEquals(writes + 1, storage.writes(), "one write per group");
        assertEquals(syncs + 1, storage.fileSyncs(), "one fsync per group");
      }
    }
  }

  @Test
  void creatingAndDeletingSegmentsSyncsTheDirectory() throws IOException {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    try (WriteAheadLog log = WalFixture.open(storage, dir, WalFixture.LARGE_SEGMENT)) {
      long before = storage.directorySyncs();
      log.append(1, WalFixture.batch(1, 1));
      assertEquals(before + 1, storage.directorySyncs(), "a new segment syncs the directory");
      long next = log.roll();
      log.append(5, WalFixture.batch(2, 1));
      assertEquals(before + 2, storage.directorySyncs());
      log.deleteSegmentsBefore(next);
      assertEquals(before + 3, storage.directorySyncs(), "a deletion syncs the directory");
    }
  }

  @Test
  void segmentFilesCarryTheDocumentedHeader() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.append(42, WalFixture.batch(1, 1));
      log.flush();
      WalSegment segment = log.segments().getFirst();
      assertEquals(dir.resolve("00000000000000000001.wal").toString(), segment.file());
      assertEquals(1, segment.id());
      assertTrue(segment.active());
    }
    byte[] bytes = Files.readAllBytes(dir.resolve("00000000000000000001.wal"));
    assertArrayEquals("SHWL".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 4));
    assertEquals(9, bytes[4]);
    assertEquals(
        "segmented", new String(bytes, 5, 9, StandardCharsets.US_ASCII), "the format name");
    assertEquals(0, bytes[14]);
    assertEquals(1, bytes[15], "format version 1");
    assertEquals(1, SegmentFormat.getLong(bytes, 16), "segment id");
    assertEquals(42, SegmentFormat.getLong(bytes, 24), "first sequence");
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 32);
    assertEquals((int) crc.getValue(), SegmentFormat.getInt(bytes, 32), "header checksum");
    assertEquals(36, SegmentFormat.HEADER_BYTES);
    // The record: crc over [length][type][payload], length = payload bytes, type 1.
    int payload = SegmentFormat.getInt(bytes, 36 + 4);
    assertEquals(bytes.length - 36 - 9, payload);
    assertEquals(1, bytes[36 + 8]);
    crc.reset();
    crc.update(bytes, 36 + 4, 5 + payload);
    assertEquals((int) crc.getValue(), SegmentFormat.getInt(bytes, 36));
    assertEquals(42, SegmentFormat.getLong(bytes, 45), "the payload starts with the sequence");
    assertEquals(1, SegmentFormat.getInt(bytes, 53), "then the operation count");
  }

  @Test
  void segmentsReportTheirSizes() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      WriteBatch batch = WalFixture.batch(3, 3);
      log.append(1, batch);
      log.flush();
      long expected = (long) SegmentFormat.HEADER_BYTES + WalFixture.recordBytes(batch);
      assertEquals(expected, log.segments().getFirst().sizeBytes());
      assertEquals(expected, log.bytesWritten());
      log.roll();
      WalSegment closed = log.segments().getFirst();
      assertEquals(expected, closed.sizeBytes());
      assertEquals(expected, Files.size(Path.of(closed.file())));
    }
  }

  @Test
  void rollWithNothingAppendedKeepsTheSegmentId() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      assertEquals(1, log.activeSegmentId());
      assertEquals(1, log.roll());
      log.append(1, WalFixture.batch(1, 1));
      assertEquals(2, log.roll());
      assertEquals(2, log.roll());
      assertEquals(List.of(1L), log.segments().stream().map(WalSegment::id).toList());
    }
    try (WriteAheadLog log = WalFixture.open(dir)) {
      assertEquals(2, log.activeSegmentId(), "a reopened log continues after the newest id");
    }
  }

  @Test
  void rollBySizeHappensAtTheStartOfAnAppend() throws IOException {
    try (WriteAheadLog log = WalFixture.open(DiskStorage.instance(), dir, 1024)) {
      WriteBatch big = new WriteBatch().put(new byte[] {1}, new byte[2000]);
      log.append(1, big);
      assertEquals(1, log.activeSegmentId(), "a record is never split, so it overfills");
      log.append(2, WalFixture.batch(1, 1));
      assertEquals(2, log.activeSegmentId());
      log.flush();
      List<WalSegment> segments = log.segments();
      assertEquals(2, segments.size());
      assertTrue(segments.get(0).sizeBytes() > 2000);
    }
  }

  @Test
  void replayComesOnceAndBeforeAppends() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.replay(0, WalRecoveryMode.ABSOLUTE_CONSISTENCY, (f, b) -> {});
      assertThrows(
          IllegalStateException.class,
          () -> log.replay(0, WalRecoveryMode.ABSOLUTE_CONSISTENCY, (f, b) -> {}));
    }
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.append(1, WalFixture.batch(1, 1));
      assertThrows(
          IllegalStateException.class,
          () -> log.replay(0, WalRecoveryMode.ABSOLUTE_CONSISTENCY, (f, b) -> {}));
    }
  }

  @Test
  void aFailedReplayMayBeRetriedInAnotherMode() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.append(1, WalFixture.batch(1, 1));
      log.flush();
    }
    Path segment = dir.resolve(SegmentFormat.fileName(1));
    Files.write(segment, new byte[100], java.nio.file.StandardOpenOption.APPEND);
    try (WriteAheadLog log = WalFixture.open(dir)) {
      assertThrows(
          CorruptionException.class,
          () -> log.replay(0, WalRecoveryMode.ABSOLUTE_CONSISTENCY, (f, b) -> {}));
      assertEquals(
          1, WalFixture.replay(log, 0, WalRecoveryMode.TOLERATE_CORRUPTED_TAIL).records().size());
    }
  }

  @Test
  void appendWithoutReplayStillRefusesSequencesBelowTheNewestSegment() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.append(100, WalFixture.batch(1, 1));
      log.flush();
    }
    try (WriteAheadLog log = WalFixture.open(dir)) {
      assertThrows(IllegalArgumentException.class, () -> log.append(100, WalFixture.batch(2, 1)));
      log.append(101, WalFixture.batch(3, 1));
    }
  }

  @Test
  void replayLowersTheSequenceFloorAfterAPointInTimeCut() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      log.append(1, WalFixture.batch(1, 1));
      log.roll();
      log.append(2, WalFixture.batch(2, 1));
      log.roll();
      log.append(3, WalFixture.batch(3, 1));
      log.sync();
    }
    Path middle = dir.resolve(SegmentFormat.fileName(2));
    byte[] bytes = Files.readAllBytes(middle);
    bytes[bytes.length - 1] ^= 1;
    Files.write(middle, bytes);
    try (WriteAheadLog log = WalFixture.open(dir)) {
      WalFixture.Replayed replayed = WalFixture.replay(log, 0, WalRecoveryMode.POINT_IN_TIME);
      assertEquals(1, replayed.result().lastSequence());
      log.append(2, WalFixture.batch(4, 1)); // sequence 2 is free again: its record was set aside
      log.sync();
    }
    List<Rec> all = WalFixture.replay(dir, WalRecoveryMode.ABSOLUTE_CONSISTENCY).records();
    assertEquals(List.of(1L, 2L), all.stream().map(Rec::first).toList());
  }

  @Test
  void anIoFailureStopsTheLogForGood() throws IOException {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    WriteAheadLog log = WalFixture.open(storage, dir, WalFixture.LARGE_SEGMENT);
    log.append(1, WalFixture.batch(1, 1));
    storage.failNextWrites(1);
    assertThrows(IOException.class, log::flush);
    storage.clearFaults();
    IOException e = assertThrows(IOException.class, log::flush);
    assertNotNull(e.getCause(), "the refusal carries the original failure");
    assertTrue(e.getMessage().contains("accepts no more writes"), e.getMessage());
    assertThrows(IOException.class, () -> log.append(2, WalFixture.batch(2, 1)));
    assertThrows(IOException.class, log::roll);
    log.close();
  }
}
