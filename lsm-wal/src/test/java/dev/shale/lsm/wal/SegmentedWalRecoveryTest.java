package dev.shale.lsm.wal;

import static dev.shale.lsm.api.WalRecoveryMode.ABSOLUTE_CONSISTENCY;
import static dev.shale.lsm.api.WalRecoveryMode.POINT_IN_TIME;
import static dev.shale.lsm.api.WalRecoveryMode.SKIP_CORRUPTED;
import static dev.shale.lsm.api.WalRecoveryMode.TOLERATE_CORRUPTED_TAIL;
import static dev.shale.lsm.wal.WalFixture.Rec;
import static dev.shale.lsm.wal.WalFixture.Replayed;
import static dev.shale.lsm.wal.WalFixture.replay;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage at known places of a two-segment log (five records each), checking what each recovery mode
 * replays, the exact offset reported, and what it leaves on disk.
 */
class SegmentedWalRecoveryTest {
  private static final int RECORDS_PER_SEGMENT = 5;

  @TempDir Path dir;

  private final List<Rec> records = new ArrayList<>();

  /** Record start offsets per segment, with the segment's end as the last element. */
  private final long[][] offsets = new long[2][RECORDS_PER_SEGMENT + 1];

  private Path first;
  private Path second;

  @BeforeEach
  void writeLog() throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      long next = 1;
      for (int s = 0; s < 2; s++) {
        long at = SegmentFormat.HEADER_BYTES;
        for (int i = 0; i < RECORDS_PER_SEGMENT; i++) {
          WriteBatch batch = WalFixture.batch(s * 10 + i, 1 + i % 3);
          offsets[s][i] = at;
          at += WalFixture.recordBytes(batch);
          log.append(next, batch);
          records.add(Rec.of(next, batch));
          next += batch.count();
        }
        offsets[s][RECORDS_PER_SEGMENT] = at;
        if (s == 0) {
          log.roll();
        } else {
          log.sync();
        }
      }
    }
    first = dir.resolve("00000000000000000001.wal");
    second = dir.resolve("00000000000000000002.wal");
    assertEquals(offsets[0][RECORDS_PER_SEGMENT], Files.size(first));
    assertEquals(offsets[1][RECORDS_PER_SEGMENT], Files.size(second));
  }

  // ---- torn tails -----------------------------------------------------------------------------

  @Test
  void absoluteConsistencyRejectsATruncatedTailAtTheTornRecord() throws IOException {
    long torn = offsets[1][4];
    truncate(second, torn + 10);
    assertCorruption(ABSOLUTE_CONSISTENCY, second, torn);
  }

  @ParameterizedTest
  @EnumSource(
      value = WalRecoveryMode.class,
      names = {"TOLERATE_CORRUPTED_TAIL", "POINT_IN_TIME", "SKIP_CORRUPTED"})
  void lenientModesCutATruncatedTail(WalRecoveryMode mode) throws IOException {
    long torn = offsets[1][4];
    truncate(second, torn + 10);
    Replayed replayed = replay(dir, mode);
    assertEquals(records.subList(0, 9), replayed.records());
    assertEquals(1, replayed.result().droppedRecords());
    assertEquals(10, replayed.result().droppedBytes());
    assertContains(replayed.result().damage(), second.toString(), "offset " + torn);
    assertEquals(torn, Files.size(second), "the torn record is cut off on disk");
    assertFalse(
        Files.exists(dir.resolve(second.getFileName() + ".corrupt")),
        "a torn tail holds nothing worth keeping");
    assertCleanLog(records.subList(0, 9));
  }

  @ParameterizedTest
  @EnumSource(
      value = WalRecoveryMode.class,
      names = {"TOLERATE_CORRUPTED_TAIL", "POINT_IN_TIME", "SKIP_CORRUPTED"})
  void lenientModesCutAFramingCutOffMidway(WalRecoveryMode mode) throws IOException {
    long torn = offsets[1][4];
    truncate(second, torn + 5);
    assertEquals(records.subList(0, 9), replay(dir, mode).records());
    assertCleanLog(records.subList(0, 9));
  }

  @Test
  void aCutAtARecordBoundaryIsACleanShorterLog() throws IOException {
    truncate(second, offsets[1][3]);
    assertEquals(records.subList(0, 8), replay(dir, ABSOLUTE_CONSISTENCY).records());
  }

  @Test
  void absoluteConsistencyRejectsAZeroFilledTailWhereItStarts() throws IOException {
    long end = Files.size(second);
    appendBytes(second, new byte[4096]);
    assertCorruption(ABSOLUTE_CONSISTENCY, second, end);
  }

  @ParameterizedTest
  @EnumSource(
      value = WalRecoveryMode.class,
      names = {"TOLERATE_CORRUPTED_TAIL", "POINT_IN_TIME", "SKIP_CORRUPTED"})
  void lenientModesCutAZeroFilledTail(WalRecoveryMode mode) throws IOException {
    long end = Files.size(second);
    appendBytes(second, new byte[4096]);
    Replayed replayed = replay(dir, mode);
    assertEquals(records, replayed.records());
    assertEquals(4096, replayed.result().droppedBytes());
    assertEquals(end, Files.size(second));
    assertCleanLog(records);
  }

  @Test
  void tolerateCutsAHugeLengthFieldInTheLastRecord() throws IOException {
    long torn = offsets[1][4];
    overwriteInt(second, torn + 4, 0xFFFF_FFF0);
    assertEquals(records.subList(0, 9), replay(dir, TOLERATE_CORRUPTED_TAIL).records());
    assertEquals(torn, Files.size(second));
  }

  @Test
  void tolerateDeletesANewestSegmentWithATornHeader() throws IOException {
    truncate(second, 20);
    assertCorruption(ABSOLUTE_CONSISTENCY, second, 0);
    assertEquals(records.subList(0, 5), replay(dir, TOLERATE_CORRUPTED_TAIL).records());
    assertFalse(Files.exists(second));
    assertCleanLog(records.subList(0, 5));
  }

  @ParameterizedTest
  @EnumSource(WalRecoveryMode.class)
  void anEmptyNewestSegmentIsRemovedInEveryMode(WalRecoveryMode mode) throws IOException {
    truncate(second, 0);
    assertEquals(records.subList(0, 5), replay(dir, mode).records());
    assertFalse(Files.exists(second), "a segment that never got its first write is removed");
  }

  // ---- mid-log damage in the newest segment ---------------------------------------------------

  @Test
  void damageFollowedByAnIntactRecordIsMidLogEvenInTheNewestSegment() throws IOException {
    long damaged = offsets[1][2];
    flip(second, damaged + 20);
    CorruptionException e = assertCorruption(TOLERATE_CORRUPTED_TAIL, second, damaged);
    assertContains(e.getMessage(), "intact record follows at offset " + offsets[1][3]);
    assertCorruption(ABSOLUTE_CONSISTENCY, second, damaged);
  }

  @Test
  void pointInTimeCutsTheNewestSegmentAtTheDamageKeepingTheOriginal() throws IOException {
    long damaged = offsets[1][2];
    flip(second, damaged + 20);
    byte[] damagedBytes = Files.readAllBytes(second);
    Replayed replayed = replay(dir, POINT_IN_TIME);
    assertArrayEquals(
        damagedBytes,
        Files.readAllBytes(dir.resolve(second.getFileName() + ".corrupt")),
        "the intact records after the cut are kept in the original");
    assertEquals(records.subList(0, 7), replayed.records());
    assertEquals(3, replayed.result().droppedRecords(), "the damaged record and two after it");
    assertEquals(offsets[1][5] - damaged, replayed.result().droppedBytes());
    assertEquals(damaged, Files.size(second));
    assertCleanLog(records.subList(0, 7));
  }

  @Test
  void skipCorruptedRewritesTheSegmentWithoutTheDamagedRecord() throws IOException {
    long damaged = offsets[1][2];
    byte[] original = Files.readAllBytes(second);
    flip(second, damaged + 20);
    byte[] damagedBytes = Files.readAllBytes(second);
    Replayed replayed = replay(dir, SKIP_CORRUPTED);
    List<Rec> expected = new ArrayList<>(records);
    expected.remove(7);
    assertEquals(expected, replayed.records());
    assertEquals(1, replayed.result().droppedRecords());
    assertEquals(offsets[1][3] - damaged, replayed.result().droppedBytes());
    assertArrayEquals(
        damagedBytes,
        Files.readAllBytes(dir.resolve(second.getFileName() + ".corrupt")),
        "the damaged original is kept");
    assertEquals(original.length - (offsets[1][3] - damaged), Files.size(second));
    assertCleanLog(expected);
  }

  @Test
  void skipCorruptedResynchronisesPastAHugeLengthField() throws IOException {
    long damaged = offsets[1][1];
    overwriteInt(second, damaged + 4, 0x7FFF_FFF0);
    assertCorruption(TOLERATE_CORRUPTED_TAIL, second, damaged);
    List<Rec> expected = new ArrayList<>(records);
    expected.remove(6);
    assertEquals(expected, replay(dir, SKIP_CORRUPTED).records());
    assertCleanLog(expected);
  }

  // ---- damage in a closed segment -------------------------------------------------------------

  @Test
  void damageInAClosedSegmentIsNeverATornTail() throws IOException {
    long damaged = offsets[0][4]; // the last record of the closed segment
    truncate(first, damaged + 10);
    CorruptionException e = assertCorruption(TOLERATE_CORRUPTED_TAIL, first, damaged);
    assertContains(e.getMessage(), "closed segment");
  }

  @Test
  void pointInTimeSetsLaterSegmentsAsideForGood() throws IOException {
    long damaged = offsets[0][1];
    flip(first, damaged + 12);
    Replayed replayed = replay(dir, POINT_IN_TIME);
    assertEquals(records.subList(0, 1), replayed.records());
    assertEquals(1 + 3 + 5, replayed.result().droppedRecords());
    assertEquals(damaged, Files.size(first));
    assertFalse(Files.exists(second));
    assertTrue(Files.exists(dir.resolve(second.getFileName() + ".corrupt")));
    try (WriteAheadLog log = WalFixture.open(dir)) {
      Replayed again = replay(log, 0, ABSOLUTE_CONSISTENCY);
      assertEquals(records.subList(0, 1), again.records());
      assertEquals(3, log.activeSegmentId(), "the id of a set-aside segment is never reused");
      long next = again.result().lastSequence() + 1;
      log.append(next, WalFixture.batch(99, 1));
      log.sync();
    }
    assertEquals(2, replay(dir, ABSOLUTE_CONSISTENCY).records().size());
  }

  @Test
  void skipCorruptedSalvagesTheRecordsOfADamagedHeader() throws IOException {
    flip(first, SegmentFormat.FIRST_SEQUENCE_OFFSET);
    assertCorruption(TOLERATE_CORRUPTED_TAIL, first, 0);
    Replayed replayed = replay(dir, SKIP_CORRUPTED);
    assertEquals(records, replayed.records(), "every record survives; only the header was bad");
    assertEquals(SegmentFormat.HEADER_BYTES, replayed.result().droppedBytes());
    assertCleanLog(records);
  }

  @Test
  void pointInTimeSetsASegmentWithADamagedHeaderAsideWhole() throws IOException {
    flip(second, 0);
    assertEquals(records.subList(0, 5), replay(dir, POINT_IN_TIME).records());
    assertFalse(Files.exists(second));
    assertTrue(Files.exists(dir.resolve(second.getFileName() + ".corrupt")));
    assertCleanLog(records.subList(0, 5));
  }

  // ---- consistency checks that a checksum cannot make -----------------------------------------

  @Test
  void aSequenceGoingBackwardsIsCorruptionEvenAtTheTail() throws IOException {
    long end = Files.size(second);
    appendBytes(second, forgedRecord(3, WalFixture.batch(50, 1)));
    CorruptionException e = assertCorruption(TOLERATE_CORRUPTED_TAIL, second, end);
    assertContains(e.getMessage(), "sequence goes backwards");
    assertEquals(records, replay(dir, SKIP_CORRUPTED).records());
    assertCleanLog(records);
  }

  @Test
  void anOverlappingSequenceRangeIsCorruption() throws IOException {
    long end = Files.size(second);
    appendBytes(second, forgedRecord(records.getLast().last(), WalFixture.batch(51, 2)));
    assertCorruption(TOLERATE_CORRUPTED_TAIL, second, end);
  }

  @Test
  void anIntactRecordWithAMalformedBatchIsCorruption() throws IOException {
    long end = Files.size(second);
    byte[] record = forgedRecord(records.getLast().last() + 1, WalFixture.batch(52, 1));
    record[SegmentFormat.RECORD_HEADER_BYTES + 8 + 3] = 2; // claims two operations, holds one
    reframe(record);
    appendBytes(second, record);
    CorruptionException e = assertCorruption(TOLERATE_CORRUPTED_TAIL, second, end);
    assertContains(e.getMessage(), "malformed batch");
  }

  // ---- open ------------------------------------------------------------------------------------

  @Test
  void openRefusesAnotherVersionOfTheFormat() throws IOException {
    byte[] bytes = Files.readAllBytes(first);
    bytes[SegmentFormat.VERSION_OFFSET + 1] = 2;
    Files.write(first, bytes);
    CorruptionException e = assertThrows(CorruptionException.class, () -> WalFixture.open(dir));
    assertContains(e.getMessage(), "version 2", "reads version 1");
    assertEquals(first.toString(), e.file());
  }

  @Test
  void openRefusesASegmentWhoseHeaderNamesAnotherId() throws IOException {
    Files.copy(first, dir.resolve("00000000000000000007.wal"));
    CorruptionException e = assertThrows(CorruptionException.class, () -> WalFixture.open(dir));
    assertContains(e.getMessage(), "names segment 1", "named for segment 7");
  }

  @Test
  void replayRemovesALeftoverRewriteAndIgnoresSetAsideFiles() throws IOException {
    Path leftover = dir.resolve("00000000000000000002.wal.rewrite");
    Files.write(leftover, new byte[] {1, 2, 3});
    Files.write(dir.resolve("00000000000000000009.wal.corrupt"), new byte[] {4});
    try (WriteAheadLog log = WalFixture.open(dir)) {
      assertEquals(10, log.activeSegmentId(), "ids of set-aside segments stay taken");
      assertEquals(records, replay(log, 0, ABSOLUTE_CONSISTENCY).records());
    }
    assertFalse(Files.exists(leftover));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private CorruptionException assertCorruption(WalRecoveryMode mode, Path file, long offset)
      throws IOException {
    try (WriteAheadLog log = WalFixture.open(dir)) {
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> replay(log, 0, mode), mode.toString());
      assertEquals(file.toString(), e.file(), e.getMessage());
      assertEquals(offset, e.offset(), e.getMessage());
      return e;
    }
  }

  private static void assertContains(String actual, String... parts) {
    for (String part : parts) {
      assertTrue(actual.contains(part), "expected '" + part + "' in: " + actual);
    }
  }

  /** A second open, in the strictest mode, sees exactly {@code expected}. */
  private void assertCleanLog(List<Rec> expected) throws IOException {
    Replayed again = replay(dir, ABSOLUTE_CONSISTENCY);
    assertEquals(expected, again.records(), "after repair the log must be clean");
    assertEquals(0, again.result().droppedRecords());
  }

  /** A checksummed record, as the writer would frame it, for any sequence. */
  private static byte[] forgedRecord(long firstSequence, WriteBatch batch) {
    int payload = SegmentFormat.PAYLOAD_PREFIX_BYTES + batch.encodedLength();
    byte[] record = new byte[SegmentFormat.RECORD_HEADER_BYTES + payload];
    SegmentFormat.putLong(record, SegmentFormat.RECORD_HEADER_BYTES, firstSequence);
    SegmentFormat.putInt(record, SegmentFormat.RECORD_HEADER_BYTES + 8, batch.count());
    batch.copyEncodedTo(
        record, SegmentFormat.RECORD_HEADER_BYTES + SegmentFormat.PAYLOAD_PREFIX_BYTES);
    SegmentFormat.frameRecord(record, 0, payload, new CRC32C());
    return record;
  }

  private static void reframe(byte[] record) {
    SegmentFormat.frameRecord(
        record, 0, record.length - SegmentFormat.RECORD_HEADER_BYTES, new CRC32C());
  }

  private static void truncate(Path file, long size) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, (int) size));
  }

  private static void flip(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x40;
    Files.write(file, bytes);
  }

  private static void overwriteInt(Path file, long offset, int value) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes).putInt((int) offset, value);
    Files.write(file, bytes);
  }

  private static void appendBytes(Path file, byte[] extra) throws IOException {
    Files.write(file, extra, java.nio.file.StandardOpenOption.APPEND);
  }
}
