package dev.shale.lsm.tck.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.wal.WalCapability;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import dev.shale.lsm.tck.TestEngines;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite for {@link WalProvider}s: extend it, implement {@link #provider()}, and run
 * the subclass with JUnit 5 (the jqwik properties run too, through the jqwik engine).
 *
 * <p>What it checks: records round-trip whole and in order across rolls and reopens (random batches
 * with puts, deletes, empty and large values); {@code afterSequence} filtering; {@code scan} reads
 * up to the first damage and changes no byte; sequence and argument checks; roll, {@code
 * deleteSegmentsBefore} and {@code segments()}; close and use after close. Capability-gated, both
 * sides where the SPI defines both: with {@link WalCapability#DURABLE_SYNC}, synced records survive
 * a simulated power loss ({@link FaultInjectingStorage}) and unsynced ones come back whole or not
 * at all; with {@link WalCapability#RECOVERY_MODES}, format-agnostic damage (a truncated newest
 * segment, a flipped byte in a closed segment, a zero-filled tail) gives what each {@link
 * WalRecoveryMode} promises, and without it the three lenient modes throw {@link
 * UnsupportedOperationException}; with {@link WalCapability#SEGMENT_ROLL_BY_SIZE}, segments roll by
 * themselves.
 *
 * <p>What passing does NOT prove: thread-safety beyond a smoke test of {@code segments()} and
 * {@code bytesWritten()} read from another thread; durability on a real device (power loss is
 * simulated at the {@link dev.shale.lsm.spi.io.Storage} layer, so a provider that bypasses {@code
 * WalOptions.storage()} is not tested at all, and fsync itself is trusted); behaviour at scale
 * (segments here are kilobytes to a few megabytes, batches at most a few hundred kilobytes);
 * performance (group commit cost is not measured); detection of every kind of damage (only the
 * three damage shapes above, at positions the suite picks without knowing the format).
 */
public abstract class WalConformanceTest {

  // ---------------------------------------------------------------- both engines run

  /** Fails when jqwik's engine is missing, which would silently skip this suite's properties. */
  @Test
  final void jqwikEngineRunsTheProperties() {
    TestEngines.assertJqwikPresent(getClass());
  }

  /** Fails when Jupiter's engine is missing, which would silently skip this suite's tests. */
  @Property(tries = 1)
  final void jupiterEngineRunsTheTests() {
    TestEngines.assertJupiterPresent(getClass());
  }

  /** A segment size large enough that no test rolls by size unless it means to. */
  private static final long LARGE_SEGMENT_BYTES = 64L << 20;

  private static final WalRecoveryMode ABSOLUTE = WalRecoveryMode.ABSOLUTE_CONSISTENCY;
  private static final WalRecoveryMode TOLERATE = WalRecoveryMode.TOLERATE_CORRUPTED_TAIL;
  private static final WalReplayConsumer IGNORE = (first, batch) -> {};

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path temp;

  private final List<WriteAheadLog> opened = new ArrayList<>();

  /** The implementation under test. */
  protected abstract WalProvider provider();

  @AfterEach
  final void closeOpenedLogs() {
    for (WriteAheadLog log : opened) {
      try {
        log.close();
      } catch (IOException | RuntimeException ignored) {
        // some tests leave logs broken on purpose
      }
    }
    opened.clear();
  }

  // ---- basics ---------------------------------------------------------------------------------

  @Test
  final void providerHasAWellFormedNameAndDeclaresCapabilities() {
    WalProvider provider = provider();
    assertTrue(
        provider.name().matches("[a-z0-9][a-z0-9._-]*"),
        "malformed provider name '" + provider.name() + "'");
    assertNotNull(provider.capabilities(), "capabilities() must not be null");
    // No two WalCapabilities contradict each other, so there is no combination to reject.
  }

  @Test
  final void openCreatesTheDirectoryAndAFreshLogReplaysNothing() throws IOException {
    Path dir = temp.resolve("a/b/wal");
    WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES);
    assertTrue(Files.isDirectory(dir), "open must create the directory");
    List<Rec> replayed = new ArrayList<>();
    WalReplayResult result = log.replay(7, ABSOLUTE, collector(replayed));
    assertEquals(List.of(), replayed);
    assertEquals(7, result.lastSequence(), "lastSequence is afterSequence when nothing replays");
    assertEquals(0, result.records());
    assertEquals(0, result.droppedRecords());
  }

  @Test
  final void recordsRoundTripAfterReopen() throws IOException {
    Random random = new Random(1);
    Path dir = temp.resolve("wal");
    List<Rec> appended = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      log.replay(0, ABSOLUTE, IGNORE);
      long next = 1;
      for (int i = 0; i < 60; i++) {
        WriteBatch batch = randomBatch(random, i % 20 == 7);
        log.append(next, batch);
        appended.add(Rec.of(next, batch));
        next += batch.count() + random.nextInt(3); // gaps are allowed
        if (random.nextInt(4) == 0) {
          log.flush();
        }
      }
      log.sync();
    }
    assertEquals(appended, replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void recordsOfSpecialShapesRoundTrip() throws IOException {
    Path dir = temp.resolve("wal");
    List<Rec> appended = new ArrayList<>();
    byte[] big = pattern(1 << 20, 3);
    List<WriteBatch> batches =
        List.of(
            new WriteBatch().put(new byte[] {0}, new byte[0]),
            new WriteBatch().delete(new byte[] {(byte) 0xFF}),
            new WriteBatch().put(pattern(300, 1), big).delete(pattern(70, 2)),
            new WriteBatch().put(new byte[] {1}, pattern(200_000, 4)).put(new byte[] {1}, big));
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, 1024)) {
      long next = 1;
      for (WriteBatch batch : batches) {
        log.append(next, batch);
        appended.add(Rec.of(next, batch));
        next += batch.count();
      }
      log.flush();
    }
    assertEquals(appended, replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void replayHandsRecordsOverOldestFirstAcrossRollsAndReopens() throws IOException {
    Path dir = temp.resolve("wal");
    Random random = new Random(2);
    List<Rec> appended = new ArrayList<>();
    long next = 1;
    for (int session = 0; session < 3; session++) {
      try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
        List<Rec> replayed = new ArrayList<>();
        log.replay(0, ABSOLUTE, collector(replayed));
        assertEquals(appended, replayed, "session " + session);
        for (int i = 0; i < 10; i++) {
          WriteBatch batch = randomBatch(random, false);
          log.append(next, batch);
          appended.add(Rec.of(next, batch));
          next += batch.count();
          if (i % 4 == 3) {
            log.roll();
          }
        }
        log.flush();
      }
    }
    assertEquals(appended, replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void afterSequenceSkipsOnlyRecordsWhollyAtOrBelowIt() throws IOException {
    Path dir = temp.resolve("wal");
    List<Rec> appended = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      for (long first = 1; first <= 28; first += 3) { // records 1-3, 4-6, ..., 28-30
        WriteBatch batch = batchOf(3, (int) first);
        log.append(first, batch);
        appended.add(Rec.of(first, batch));
        if (first == 13) {
          log.roll();
        }
      }
      log.flush();
    }
    for (long after : new long[] {-1, 0, 3, 5, 6, 14, 29, 30, 1000}) {
      List<Rec> replayed = new ArrayList<>();
      WalReplayResult result;
      try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
        result = log.replay(after, ABSOLUTE, collector(replayed));
      }
      List<Rec> expected = appended.stream().filter(r -> r.lastSequence() > after).toList();
      assertEquals(expected, replayed, "afterSequence " + after);
      assertEquals(expected.size(), result.records(), "records counted, afterSequence " + after);
      long last = expected.isEmpty() ? after : expected.getLast().lastSequence();
      assertEquals(last, result.lastSequence(), "lastSequence, afterSequence " + after);
      assertEquals(0, result.droppedRecords());
      assertEquals("", result.damage());
    }
  }

  @Test
  final void appendRejectsAnEmptyBatch() throws IOException {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    assertThrows(IllegalArgumentException.class, () -> log.append(1, new WriteBatch()));
  }

  @Test
  final void appendRejectsSequencesThatDoNotIncrease() throws IOException {
    Path dir = temp.resolve("wal");
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      log.append(5, batchOf(3, 0)); // 5..7
      assertThrows(IllegalArgumentException.class, () -> log.append(7, batchOf(1, 1)));
      assertThrows(IllegalArgumentException.class, () -> log.append(5, batchOf(1, 2)));
      assertThrows(IllegalArgumentException.class, () -> log.append(1, batchOf(1, 3)));
      log.append(8, batchOf(1, 4));
      log.append(100, batchOf(1, 5));
      log.flush();
    }
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      log.replay(0, ABSOLUTE, IGNORE);
      assertThrows(IllegalArgumentException.class, () -> log.append(100, batchOf(1, 6)));
      assertThrows(IllegalArgumentException.class, () -> log.append(50, batchOf(1, 7)));
      log.append(101, batchOf(1, 8));
      log.flush();
    }
    List<Long> firsts = replayAll(dir, 0, ABSOLUTE).stream().map(Rec::firstSequence).toList();
    assertEquals(List.of(5L, 8L, 100L, 101L), firsts, "rejected appends must leave no trace");
  }

  @Test
  final void appendCopiesTheBatch() throws IOException {
    Path dir = temp.resolve("wal");
    WriteBatch batch = batchOf(4, 9);
    Rec expected = Rec.of(1, batch);
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      log.append(1, batch);
      batch.clear().put(new byte[] {42}, new byte[] {42});
      log.flush();
    }
    assertEquals(List.of(expected), replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void closeFlushesAndClosingTwiceIsHarmless() throws IOException {
    Path dir = temp.resolve("wal");
    WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES);
    WriteBatch batch = batchOf(2, 1);
    log.append(1, batch);
    log.close();
    assertDoesNotThrow(log::close);
    assertEquals(List.of(Rec.of(1, batch)), replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void useAfterCloseThrowsIllegalState() throws IOException {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    log.append(1, batchOf(1, 1));
    log.close();
    assertThrows(IllegalStateException.class, () -> log.append(2, batchOf(1, 2)));
    assertThrows(IllegalStateException.class, log::flush);
    assertThrows(IllegalStateException.class, log::sync);
    assertThrows(IllegalStateException.class, log::roll);
    assertThrows(IllegalStateException.class, () -> log.deleteSegmentsBefore(10));
    assertThrows(IllegalStateException.class, () -> log.replay(0, ABSOLUTE, IGNORE));
  }

  // ---- segments -------------------------------------------------------------------------------

  @Test
  final void rollReturnsTheSegmentOfTheNextAppend() throws IOException {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    long previous = log.activeSegmentId();
    long next = 1;
    for (int i = 0; i < 4; i++) {
      log.append(next, batchOf(2, i));
      next += 2;
      long rolled = log.roll();
      assertTrue(rolled > previous, "roll must move to a newer segment: " + rolled);
      assertEquals(rolled, log.activeSegmentId());
      for (WalSegment segment : log.segments()) {
        assertTrue(segment.id() < rolled, "a segment at or after the roll point: " + segment);
      }
      previous = rolled;
    }
  }

  @Test
  final void segmentsAreListedOldestFirstWithTheActiveOneLast() throws IOException {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    long next = 1;
    for (int i = 0; i < 5; i++) {
      log.append(next, batchOf(3, i));
      next += 3;
      if (i < 4) {
        log.roll();
      }
    }
    log.flush();
    List<WalSegment> segments = log.segments();
    assertTrue(segments.size() >= 5, "five rolled segments expected, got " + segments);
    for (int i = 1; i < segments.size(); i++) {
      assertTrue(segments.get(i - 1).id() < segments.get(i).id(), "not oldest first: " + segments);
    }
    for (int i = 0; i < segments.size() - 1; i++) {
      assertFalse(segments.get(i).active(), "only the newest can be active: " + segments);
      assertTrue(segments.get(i).sizeBytes() > 0, "a closed segment with records is empty");
      assertTrue(Files.exists(Path.of(segments.get(i).file())), "missing " + segments.get(i));
    }
    WalSegment last = segments.getLast();
    assertTrue(last.active(), "the segment being appended to is listed as active: " + segments);
    assertEquals(log.activeSegmentId(), last.id());
  }

  @Test
  final void deleteSegmentsBeforeTheRollPointLeavesExactlyTheLaterRecords() throws IOException {
    Path dir = temp.resolve("wal");
    List<Rec> later = new ArrayList<>();
    long next = 1;
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      for (int i = 0; i < 6; i++) {
        log.append(next, batchOf(2, i));
        next += 2;
        if (i % 2 == 1) {
          log.roll();
        }
      }
      long rollPoint = log.roll();
      for (int i = 0; i < 3; i++) {
        WriteBatch batch = batchOf(2, 10 + i);
        log.append(next, batch);
        later.add(Rec.of(next, batch));
        next += 2;
      }
      log.flush();
      log.deleteSegmentsBefore(rollPoint);
      for (WalSegment segment : log.segments()) {
        assertTrue(segment.id() >= rollPoint, "not deleted: " + segment);
      }
    }
    assertEquals(later, replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void deleteSegmentsBeforeNeverDeletesTheActiveSegment() throws IOException {
    Path dir = temp.resolve("wal");
    List<Rec> appended = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      WriteBatch first = batchOf(2, 1);
      log.append(1, first);
      appended.add(Rec.of(1, first));
      log.flush();
      log.deleteSegmentsBefore(Long.MAX_VALUE);
      WriteBatch second = batchOf(2, 2);
      log.append(3, second);
      appended.add(Rec.of(3, second));
      log.flush();
    }
    assertEquals(appended, replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void bytesWrittenGrowsWithEveryAppend() throws IOException {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    assertEquals(0, log.bytesWritten(), "nothing appended since open");
    long total = 0;
    long previous = 0;
    long next = 1;
    for (int i = 0; i < 10; i++) {
      WriteBatch batch = batchOf(1 + i, i);
      log.append(next, batch);
      next += batch.count();
      total += batch.encodedLength();
      assertTrue(log.bytesWritten() > previous, "bytesWritten must grow with each append");
      assertTrue(log.bytesWritten() >= total, "bytesWritten counts at least the batches");
      previous = log.bytesWritten();
    }
  }

  @Test
  final void segmentsAndBytesWrittenCanBeReadFromAnotherThread() throws Exception {
    WriteAheadLog log = open(DiskStorage.instance(), temp.resolve("wal"), 4096);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<@Nullable Throwable> problem = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                long lastBytes = 0;
                while (!done.get()) {
                  List<WalSegment> segments = log.segments();
                  for (int i = 1; i < segments.size(); i++) {
                    if (segments.get(i - 1).id() >= segments.get(i).id()) {
                      throw new AssertionError("segments out of order: " + segments);
                    }
                  }
                  long bytes = log.bytesWritten();
                  if (bytes < lastBytes) {
                    throw new AssertionError("bytesWritten went back from " + lastBytes);
                  }
                  lastBytes = bytes;
                  log.activeSegmentId();
                }
              } catch (Throwable t) {
                problem.set(t);
              }
            });
    reader.start();
    long next = 1;
    try {
      for (int i = 0; i < 400; i++) {
        log.append(next, batchOf(2, i));
        next += 2;
        if (i % 10 == 0) {
          log.flush();
        }
        if (i % 50 == 0) {
          log.roll();
        }
      }
    } finally {
      done.set(true);
      reader.join();
    }
    Throwable t = problem.get();
    if (t != null) {
      fail("reading from another thread failed", t);
    }
  }

  @Test
  final void segmentsRollBySizeWhenDeclared() throws IOException {
    assumeTrue(
        provider().capabilities().contains(WalCapability.SEGMENT_ROLL_BY_SIZE),
        "the provider does not declare SEGMENT_ROLL_BY_SIZE");
    Path dir = temp.resolve("wal");
    List<Rec> appended = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, 1024)) {
      long next = 1;
      for (int i = 0; i < 100; i++) {
        WriteBatch batch = batchOf(3, i);
        log.append(next, batch);
        appended.add(Rec.of(next, batch));
        next += 3;
        log.flush();
      }
      assertTrue(
          log.segments().size() >= 5,
          "about 10 KiB in 1 KiB segments should make several segments: " + log.segments());
    }
    assertEquals(appended, replayAll(dir, 0, ABSOLUTE));
  }

  // ---- durability -----------------------------------------------------------------------------

  @Test
  final void syncReachesTheDevice() throws IOException {
    assumeTrue(
        provider().capabilities().contains(WalCapability.DURABLE_SYNC),
        "the provider does not declare DURABLE_SYNC");
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    WriteAheadLog log = open(storage, temp.resolve("wal"), LARGE_SEGMENT_BYTES);
    log.replay(0, ABSOLUTE, IGNORE);
    long next = 1;
    for (int i = 0; i < 3; i++) {
      log.append(next, batchOf(2, i));
      next += 2;
      long before = storage.fileSyncs();
      log.sync();
      assertTrue(storage.fileSyncs() > before, "sync() must sync the file holding the records");
    }
  }

  @Test
  final void syncedRecordsSurvivePowerLoss() throws IOException {
    assumeTrue(
        provider().capabilities().contains(WalCapability.DURABLE_SYNC),
        "the provider does not declare DURABLE_SYNC");
    Path dir = temp.resolve("wal");
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    WriteAheadLog log = open(storage, dir, LARGE_SEGMENT_BYTES);
    List<Rec> appended = new ArrayList<>();
    long next = 1;
    for (int i = 0; i < 5; i++) {
      WriteBatch batch = batchOf(2, i);
      log.append(next, batch);
      appended.add(Rec.of(next, batch));
      next += 2;
    }
    log.sync();
    WriteBatch unsynced = batchOf(2, 99);
    log.append(next, unsynced);
    log.flush();
    storage.simulatePowerLoss();
    List<Rec> replayed = replayAll(dir, 0, ABSOLUTE);
    assertEquals(appended, replayed, "exactly the synced records survive a clean cut");
  }

  @Test
  final void rolledAndDeletedSegmentsAreDurable() throws IOException {
    assumeTrue(
        provider().capabilities().contains(WalCapability.DURABLE_SYNC),
        "the provider does not declare DURABLE_SYNC");
    Path dir = temp.resolve("wal");
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    WriteAheadLog log = open(storage, dir, LARGE_SEGMENT_BYTES);
    long next = 1;
    for (int i = 0; i < 3; i++) {
      log.append(next, batchOf(2, i));
      next += 2;
    }
    long rollPoint = log.roll();
    List<Rec> kept = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WriteBatch batch = batchOf(2, 10 + i);
      log.append(next, batch);
      kept.add(Rec.of(next, batch));
      next += 2;
    }
    log.roll(); // roll syncs: no sync() needed for these to survive
    log.deleteSegmentsBefore(rollPoint);
    storage.simulatePowerLoss();
    assertEquals(
        kept,
        replayAll(dir, 0, ABSOLUTE),
        "rolled records must survive power loss, and deleted segments must stay deleted");
  }

  @Test
  final void syncMakesRecordsOfEarlierSessionsDurableToo() throws IOException {
    assumeTrue(
        provider().capabilities().contains(WalCapability.DURABLE_SYNC),
        "the provider does not declare DURABLE_SYNC");
    Path dir = temp.resolve("wal");
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    List<Rec> appended = new ArrayList<>();
    long next = 1;
    try (WriteAheadLog log = open(storage, dir, LARGE_SEGMENT_BYTES)) {
      for (int i = 0; i < 3; i++) {
        WriteBatch batch = batchOf(2, i);
        log.append(next, batch);
        appended.add(Rec.of(next, batch));
        next += 2;
      }
    } // closed without sync: a process may exit like this
    WriteAheadLog log = open(storage, dir, LARGE_SEGMENT_BYTES);
    List<Rec> replayed = new ArrayList<>();
    log.replay(0, ABSOLUTE, collector(replayed));
    assertEquals(appended, replayed);
    WriteBatch batch = batchOf(2, 3);
    log.append(next, batch);
    appended.add(Rec.of(next, batch));
    log.sync();
    storage.simulatePowerLoss();
    assertEquals(
        appended,
        replayAll(dir, 0, ABSOLUTE),
        "a synced record must survive with every record replayed before it (a log with a hole"
            + " where the earlier session's unsynced tail was is not a prefix of history)");
  }

  @Property(tries = 25)
  @AddLifecycleHook(RequiresWalCapability.Gate.class)
  @RequiresWalCapability(WalCapability.DURABLE_SYNC)
  void syncedRecordsSurviveRandomPowerLoss(@ForAll long seed) throws IOException {
    boolean lenient = provider().capabilities().contains(WalCapability.RECOVERY_MODES);
    Random random = new Random(seed);
    Path dir = newTemporaryDirectory();
    try {
      FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance(), seed);
      WriteAheadLog log =
          provider().open(options(storage, dir, random.nextBoolean() ? 2048 : LARGE_SEGMENT_BYTES));
      log.replay(0, ABSOLUTE, IGNORE);
      List<Rec> appended = new ArrayList<>();
      int acknowledged = 0;
      long next = 1;
      int groups = 1 + random.nextInt(12);
      for (int g = 0; g < groups; g++) {
        for (int i = random.nextInt(5); i >= 0; i--) {
          WriteBatch batch = randomBatch(random, random.nextInt(30) == 0);
          log.append(next, batch);
          appended.add(Rec.of(next, batch));
          next += batch.count();
        }
        switch (random.nextInt(4)) {
          case 0 -> {
            log.sync();
            acknowledged = appended.size();
          }
          case 1 -> log.flush();
          case 2 -> {}
          default -> {
            log.roll();
            acknowledged = appended.size();
          }
        }
      }
      FaultInjectingStorage.UnsyncedData unsynced = FaultInjectingStorage.UnsyncedData.LOST;
      if (lenient) {
        unsynced =
            List.of(
                    FaultInjectingStorage.UnsyncedData.LOST,
                    FaultInjectingStorage.UnsyncedData.TORN,
                    FaultInjectingStorage.UnsyncedData.ZEROED)
                .get(random.nextInt(3));
      } else {
        log.sync(); // without recovery modes a torn tail cannot be opened at all
        acknowledged = appended.size();
      }
      storage.simulatePowerLoss(unsynced);
      closeQuietly(log);
      List<Rec> replayed = replayAll(dir, 0, lenient ? TOLERATE : ABSOLUTE);
      assertPrefix(appended, replayed);
      assertTrue(
          replayed.size() >= acknowledged,
          "lost synced records: "
              + acknowledged
              + " were synced, "
              + replayed.size()
              + " came back ("
              + unsynced
              + ")");
    } finally {
      deleteRecursively(dir);
    }
  }

  // ---- recovery modes -------------------------------------------------------------------------

  @Test
  final void lenientModesAreUnsupportedWithoutRecoveryModes() throws IOException {
    assumeFalse(
        provider().capabilities().contains(WalCapability.RECOVERY_MODES),
        "the provider declares RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(3));
    for (WalRecoveryMode mode : WalRecoveryMode.values()) {
      if (mode == ABSOLUTE) {
        continue;
      }
      WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES);
      assertThrows(
          UnsupportedOperationException.class,
          () -> log.replay(0, mode, IGNORE),
          mode + " without RECOVERY_MODES");
    }
    assertEquals(layout.all(), replayAll(dir, 0, ABSOLUTE));
  }

  @Test
  final void everyModeReplaysACleanLogInFull() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(4));
    for (WalRecoveryMode mode : WalRecoveryMode.values()) {
      List<Rec> replayed = new ArrayList<>();
      WalReplayResult result;
      try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
        result = log.replay(0, mode, collector(replayed));
      }
      assertEquals(layout.all(), replayed, mode.toString());
      assertEquals(0, result.droppedRecords(), mode.toString());
      assertEquals("", result.damage(), mode.toString());
    }
  }

  @Test
  final void tolerateCutsATruncatedTailAndLeavesACleanLog() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(5));
    truncateBy(layout.newest(), 1);
    List<Rec> replayed = new ArrayList<>();
    WalReplayResult result;
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      result = log.replay(0, TOLERATE, collector(replayed));
    }
    assertPrefix(layout.all(), replayed);
    assertEquals(layout.all().size() - 1, replayed.size(), "only the cut record is lost");
    assertTrue(result.droppedRecords() >= 1, "the torn record counts as dropped: " + result);
    assertFalse(result.damage().isEmpty(), "the torn tail is described: " + result);
    assertEquals(replayed, replayAll(dir, 0, ABSOLUTE), "a second open must see a clean log");
  }

  @Test
  final void absoluteConsistencyRejectsATruncatedTail() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(6));
    long size = Files.size(layout.newest());
    truncateBy(layout.newest(), 1);
    assertCorruptionIn(layout.newest(), size, dir, ABSOLUTE);
  }

  @Test
  final void zeroFilledTailIsATornTail() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(7));
    long size = Files.size(layout.newest());
    appendZeros(layout.newest(), 4096);
    assertCorruptionIn(layout.newest(), size + 4096, dir, ABSOLUTE);
    for (WalRecoveryMode mode :
        List.of(TOLERATE, WalRecoveryMode.POINT_IN_TIME, WalRecoveryMode.SKIP_CORRUPTED)) {
      appendZeros(layout.newest(), 4096);
      assertEquals(layout.all(), replayAll(dir, 0, mode), mode + " over a zero-filled tail");
      assertEquals(
          layout.all(), replayAll(dir, 0, ABSOLUTE), "after " + mode + " the log is clean");
    }
  }

  @Test
  final void damageInAClosedSegmentFailsTolerateAndAbsolute() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(8));
    Path damaged = layout.middle();
    long size = Files.size(damaged);
    flipByte(damaged, size / 2);
    assertCorruptionIn(damaged, size, dir, ABSOLUTE);
    assertCorruptionIn(damaged, size, dir, TOLERATE);
  }

  @Test
  final void damageFollowedByIntactRecordsInTheNewestSegmentIsNotATornTail() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(11));
    Path newest = layout.newest();
    long size = Files.size(newest);
    flipByte(newest, size / 2);
    assertCorruptionIn(newest, size, dir, TOLERATE);
    List<Rec> replayed = replayAll(dir, 0, WalRecoveryMode.POINT_IN_TIME);
    assertPrefix(layout.all(), replayed);
    int older = layout.phases().get(0).size() + layout.phases().get(1).size();
    assertTrue(
        replayed.size() >= older && replayed.size() < layout.all().size(),
        "the cut must fall inside the newest segment's records: got " + replayed.size());
    assertEquals(replayed, replayAll(dir, 0, ABSOLUTE), "a second open must see a clean log");
  }

  @Test
  final void pointInTimeStopsAtMidLogDamageAndSetsTheRestAside() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(9));
    flipByte(layout.middle(), Files.size(layout.middle()) / 2);
    List<Rec> replayed = new ArrayList<>();
    WalReplayResult result;
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      result = log.replay(0, WalRecoveryMode.POINT_IN_TIME, collector(replayed));
      assertPrefix(layout.all(), replayed);
      int before = layout.phases().get(0).size();
      int through = before + layout.phases().get(1).size();
      assertTrue(
          replayed.size() >= before && replayed.size() < through,
          "the cut must fall inside the damaged segment's records: got "
              + replayed.size()
              + " records, the damaged segment holds records "
              + before
              + ".."
              + (through - 1));
      assertTrue(result.droppedRecords() >= 1, result.toString());
      assertEquals(replayed.getLast().lastSequence(), result.lastSequence());
      WriteBatch batch = batchOf(2, 77);
      long next = result.lastSequence() + 1;
      log.append(next, batch);
      replayed.add(Rec.of(next, batch));
      log.sync();
    }
    assertEquals(
        replayed,
        replayAll(dir, 0, ABSOLUTE),
        "what was set aside must never come back, and the log continues after the cut");
  }

  @Test
  final void scanReadsUpToTheFirstDamageAndChangesNoByte() throws IOException {
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(12));
    List<Rec> clean = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      WalReplayResult result = log.scan(0, collector(clean));
      assertEquals("", result.damage(), "a clean log scans without damage");
      assertEquals(layout.all().getLast().lastSequence(), result.lastSequence());
    }
    assertEquals(layout.all(), clean, "scan hands over every record of a clean log, in order");
    flipByte(layout.middle(), Files.size(layout.middle()) / 2);
    appendZeros(layout.newest(), 100);
    Map<Path, byte[]> before = contents(dir);
    List<Rec> first = new ArrayList<>();
    List<Rec> second = new ArrayList<>();
    WalReplayResult result;
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      result = log.scan(0, collector(first));
      log.scan(0, collector(second));
    }
    assertPrefix(layout.all(), first);
    assertTrue(first.size() < layout.all().size(), "scan must stop at the damaged record");
    assertEquals(first, second, "scanning again gives the same records");
    assertFalse(result.damage().isEmpty(), "scan must say where it stopped: " + result);
    assertContentsEqual(before, contents(dir), "scan must not change any file of the log");
    List<Rec> after = new ArrayList<>();
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      log.scan(first.isEmpty() ? 0 : first.getFirst().lastSequence(), collector(after));
    }
    assertEquals(
        first.subList(Math.min(1, first.size()), first.size()),
        after,
        "scan skips records at or below afterSequence");
  }

  @Test
  final void skipCorruptedSalvagesEveryIntactSegment() throws IOException {
    assumeTrue(hasRecoveryModes(), "the provider does not declare RECOVERY_MODES");
    Path dir = temp.resolve("wal");
    Layout layout = threeSegmentLog(dir, new Random(10));
    flipByte(layout.middle(), Files.size(layout.middle()) / 2);
    List<Rec> replayed = new ArrayList<>();
    WalReplayResult result;
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      result = log.replay(0, WalRecoveryMode.SKIP_CORRUPTED, collector(replayed));
    }
    assertSubsequence(layout.all(), replayed);
    assertTrue(replayed.containsAll(layout.phases().get(0)), "records before the damage");
    assertTrue(replayed.containsAll(layout.phases().get(2)), "records after the damage");
    assertTrue(replayed.size() < layout.all().size(), "the damaged record cannot come back");
    assertTrue(result.droppedRecords() >= 1, result.toString());
    assertEquals(replayed, replayAll(dir, 0, WalRecoveryMode.SKIP_CORRUPTED), "a second replay");
  }

  @Property(tries = 40)
  @AddLifecycleHook(RequiresWalCapability.Gate.class)
  @RequiresWalCapability(WalCapability.RECOVERY_MODES)
  void randomCutOfTheNewestSegmentLeavesExactlyAPrefix(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    Path dir = newTemporaryDirectory();
    try {
      Layout layout = threeSegmentLog(dir, random);
      long size = Files.size(layout.newest());
      long keep = (long) (random.nextDouble() * (size + 1));
      try (FileChannel channel = FileChannel.open(layout.newest(), StandardOpenOption.WRITE)) {
        channel.truncate(Math.min(keep, size));
      }
      List<Rec> replayed = replayAll(dir, 0, TOLERATE);
      assertPrefix(layout.all(), replayed);
      int older = layout.phases().get(0).size() + layout.phases().get(1).size();
      assertTrue(
          replayed.size() >= older,
          "a cut of the newest segment lost records of older ones (kept " + keep + ")");
      assertEquals(replayed, replayAll(dir, 0, ABSOLUTE), "a second open must see a clean log");
    } finally {
      deleteRecursively(dir);
    }
  }

  // ---- random round trips ---------------------------------------------------------------------

  @Property(tries = 30)
  void randomBatchSequencesRoundTrip(
      @ForAll("batchSequences") List<List<Op>> batches, @ForAll long actionSeed)
      throws IOException {
    Random random = new Random(actionSeed);
    Path dir = newTemporaryDirectory();
    try {
      List<Rec> appended = new ArrayList<>();
      long next = 1;
      long segmentBytes = random.nextBoolean() ? 1024 : LARGE_SEGMENT_BYTES;
      WriteAheadLog log = provider().open(options(DiskStorage.instance(), dir, segmentBytes));
      try {
        log.replay(0, ABSOLUTE, IGNORE);
        for (List<Op> ops : batches) {
          WriteBatch batch = new WriteBatch();
          for (Op op : ops) {
            op.applyTo(batch);
          }
          next += random.nextInt(3);
          log.append(next, batch);
          appended.add(Rec.of(next, batch));
          next += batch.count();
          switch (random.nextInt(8)) {
            case 0 -> log.flush();
            case 1 -> log.sync();
            case 2 -> log.roll();
            case 3 -> {
              log.close();
              log = provider().open(options(DiskStorage.instance(), dir, segmentBytes));
              List<Rec> replayed = new ArrayList<>();
              log.replay(0, ABSOLUTE, collector(replayed));
              assertEquals(appended, replayed, "after a reopen");
            }
            default -> {}
          }
        }
      } finally {
        log.close();
      }
      long after = appended.get(random.nextInt(appended.size())).firstSequence();
      assertEquals(
          appended.stream().filter(r -> r.lastSequence() > after).toList(),
          replayAll(dir, after, ABSOLUTE));
    } finally {
      deleteRecursively(dir);
    }
  }

  @Provide
  Arbitrary<List<List<Op>>> batchSequences() {
    Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24);
    Arbitrary<byte[]> values =
        Arbitraries.oneOf(
            Arbitraries.just(new byte[0]),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(100),
            Arbitraries.integers().between(1, 300_000).map(n -> pattern(n, n)));
    Arbitrary<Op> put = Combinators.combine(keys, values).as(Op::new);
    Arbitrary<Op> delete = keys.map(k -> new Op(k, null));
    Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(3, put), Tuple.of(1, delete));
    return op.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(30);
  }

  /** One generated operation: a put, or a delete when {@code value} is null. */
  @SuppressWarnings("ArrayRecordComponent") // never compared; only applied to batches
  protected record Op(byte[] key, byte @Nullable [] value) {
    void applyTo(WriteBatch batch) {
      byte[] v = value;
      if (v == null) {
        batch.delete(key);
      } else {
        batch.put(key, v);
      }
    }

    @Override
    public String toString() {
      byte[] v = value;
      return v == null
          ? "delete(" + key.length + "B)"
          : "put(" + key.length + "B, " + v.length + "B)";
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A record as the suite compares it: first sequence, operation count and batch encoding. */
  @SuppressWarnings("ArrayRecordComponent") // equals and hashCode compare the array's contents
  protected record Rec(long firstSequence, int count, byte[] encoded) {
    static Rec of(long firstSequence, WriteBatch batch) {
      return new Rec(firstSequence, batch.count(), batch.toEncoded());
    }

    long lastSequence() {
      return firstSequence + count - 1;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Rec r
          && r.firstSequence == firstSequence
          && r.count == count
          && Arrays.equals(r.encoded, encoded);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(firstSequence) * 31 + Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return "Rec[" + firstSequence + "+" + count + ", " + encoded.length + " bytes]";
    }
  }

  /** The records of a three-segment log, by phase, and the files each phase went to. */
  private record Layout(List<List<Rec>> phases, List<List<Path>> files) {
    List<Rec> all() {
      return phases.stream().flatMap(List::stream).toList();
    }

    Path middle() {
      return files.get(1).getFirst();
    }

    Path newest() {
      return files.get(2).getLast();
    }
  }

  /**
   * Writes a log of three phases of 20 random batches, rolled between phases (so each lives in its
   * own segments), synced, closed.
   */
  private Layout threeSegmentLog(Path dir, Random random) throws IOException {
    List<List<Rec>> phases = new ArrayList<>();
    List<List<Path>> files = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    try (WriteAheadLog log =
        provider().open(options(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES))) {
      log.replay(0, ABSOLUTE, IGNORE);
      long next = 1;
      for (int phase = 0; phase < 3; phase++) {
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          WriteBatch batch = randomBatch(random, false);
          log.append(next, batch);
          records.add(Rec.of(next, batch));
          next += batch.count();
        }
        if (phase < 2) {
          log.roll();
        } else {
          log.sync();
        }
        List<Path> phaseFiles = new ArrayList<>();
        for (WalSegment segment : log.segments()) {
          if (seen.add(segment.file())) {
            phaseFiles.add(Path.of(segment.file()));
          }
        }
        assertFalse(phaseFiles.isEmpty(), "no new segment listed after phase " + phase);
        phases.add(records);
        files.add(phaseFiles);
      }
    }
    return new Layout(phases, files);
  }

  private void assertCorruptionIn(Path file, long size, Path dir, WalRecoveryMode mode)
      throws IOException {
    try (WriteAheadLog log = open(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES)) {
      CorruptionException e =
          assertThrows(
              CorruptionException.class,
              () -> log.replay(0, mode, IGNORE),
              mode + " must reject damage in " + file);
      String name = String.valueOf(file.getFileName());
      assertTrue(e.file().contains(name), "the exception must name " + name + ": " + e);
      assertTrue(
          e.offset() >= 0 && e.offset() < size,
          "the offset must lie in the file (0.." + size + "): " + e);
    }
  }

  /** Every file under {@code dir} and its bytes. */
  private static Map<Path, byte[]> contents(Path dir) throws IOException {
    Map<Path, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static void assertContentsEqual(
      Map<Path, byte[]> expected, Map<Path, byte[]> actual, String message) {
    assertEquals(expected.keySet(), actual.keySet(), message + ": files differ");
    for (Map.Entry<Path, byte[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), actual.get(e.getKey()), message + ": " + e.getKey());
    }
  }

  private static void assertPrefix(List<Rec> appended, List<Rec> replayed) {
    assertTrue(
        replayed.size() <= appended.size(),
        "replayed " + replayed.size() + " records, only " + appended.size() + " were appended");
    assertEquals(
        appended.subList(0, replayed.size()),
        replayed,
        "replay must give a prefix of what was appended, each record whole");
  }

  private static void assertSubsequence(List<Rec> appended, List<Rec> replayed) {
    int i = 0;
    for (Rec r : replayed) {
      while (i < appended.size() && !appended.get(i).equals(r)) {
        i++;
      }
      assertTrue(i < appended.size(), r + " was never appended, or came out of order");
      i++;
    }
  }

  private boolean hasRecoveryModes() {
    return provider().capabilities().contains(WalCapability.RECOVERY_MODES);
  }

  private WriteAheadLog open(Storage storage, Path dir, long segmentBytes) throws IOException {
    WriteAheadLog log = provider().open(options(storage, dir, segmentBytes));
    opened.add(log);
    return log;
  }

  private static WalOptions options(Storage storage, Path dir, long segmentBytes) {
    return new WalOptions(storage, dir, segmentBytes);
  }

  private List<Rec> replayAll(Path dir, long after, WalRecoveryMode mode) throws IOException {
    List<Rec> replayed = new ArrayList<>();
    try (WriteAheadLog log =
        provider().open(options(DiskStorage.instance(), dir, LARGE_SEGMENT_BYTES))) {
      log.replay(after, mode, collector(replayed));
    }
    return replayed;
  }

  private static WalReplayConsumer collector(List<Rec> into) {
    return (first, batch) -> into.add(Rec.of(first, batch));
  }

  /** A batch of {@code count} puts with small distinct keys and values. */
  private static WriteBatch batchOf(int count, int salt) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < count; i++) {
      batch.put(new byte[] {(byte) salt, (byte) i, 7}, pattern(5 + i, salt + i));
    }
    return batch;
  }

  private static WriteBatch randomBatch(Random random, boolean large) {
    WriteBatch batch = new WriteBatch();
    int ops = 1 + random.nextInt(6);
    for (int i = 0; i < ops; i++) {
      byte[] key = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 16)];
      random.nextBytes(key);
      if (random.nextInt(4) == 0) {
        batch.delete(key);
        continue;
      }
      int valueLength =
          switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> random.nextInt(2000);
            default -> random.nextInt(60);
          };
      if (large && i == 0) {
        valueLength = 64 * 1024 + random.nextInt(256 * 1024);
      }
      byte[] value = new byte[valueLength];
      random.nextBytes(value);
      batch.put(key, value);
    }
    return batch;
  }

  private static byte[] pattern(int length, int salt) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 31 + salt);
    }
    return bytes;
  }

  private static void truncateBy(Path file, long bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - bytes);
    }
  }

  private static void appendZeros(Path file, int bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.APPEND)) {
      ByteBuffer zeros = ByteBuffer.allocate(bytes);
      while (zeros.hasRemaining()) {
        channel.write(zeros);
      }
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0xFF)).rewind();
      channel.write(one, offset);
    }
  }

  private static Path newTemporaryDirectory() throws IOException {
    return Files.createTempDirectory("shale-wal-tck");
  }

  private static void closeQuietly(WriteAheadLog log) {
    try {
      log.close();
    } catch (IOException | RuntimeException ignored) {
      // the log's storage lost power under it
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
