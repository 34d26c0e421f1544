package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.WalFixture.Rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log under storage failures injected with {@link FaultInjectingStorage}: a full disk, failed
 * writes and syncs, torn writes. Whatever fails, every record acknowledged by a successful sync is
 * there after reopening, no partial record is replayed, and the failed log accepts no more writes.
 */
class SegmentedWalStorageFailureTest {

  @TempDir Path temp;

  @Property(tries = 60)
  void aFullDiskLosesNothingAcknowledged(
      @ForAll @IntRange(min = 0, max = 40_000) int spaceLeft,
      @ForAll long seed,
      @ForAll boolean powerLossAfter)
      throws IOException {
    runUntilFailure(seed, powerLossAfter, storage -> storage.diskFullAfter(spaceLeft));
  }

  @Property(tries = 30)
  void aFailedWriteLosesNothingAcknowledged(@ForAll long seed, @ForAll boolean powerLossAfter)
      throws IOException {
    runUntilFailure(seed, powerLossAfter, storage -> storage.failNextWrites(1));
  }

  @Property(tries = 30)
  void aFailedSyncLosesNothingAcknowledged(@ForAll long seed, @ForAll boolean powerLossAfter)
      throws IOException {
    runUntilFailure(seed, powerLossAfter, storage -> storage.failNextSyncs(1));
  }

  @Property(tries = 30)
  void aTornWriteLosesNothingAcknowledged(@ForAll long seed, @ForAll boolean powerLossAfter)
      throws IOException {
    runUntilFailure(seed, powerLossAfter, FaultInjectingStorage::tearNextWrite);
  }

  /**
   * Appends groups of random batches, syncing each, and arms {@code fault} after a random number of
   * groups; stops at the first IOException, then reopens and checks what came back.
   */
  private static void runUntilFailure(
      long seed, boolean powerLossAfter, Consumer<FaultInjectingStorage> fault) throws IOException {
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("wal-faults");
    try {
      FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance(), seed);
      List<Rec> appended = new ArrayList<>();
      int acknowledged = 0;
      int armAt = random.nextInt(6);
      WriteAheadLog log = WalFixture.open(storage, dir, 2048);
      log.replay(0, WalRecoveryMode.TOLERATE_CORRUPTED_TAIL, (f, b) -> {});
      long next = 1;
      boolean failed = false;
      for (int group = 0; group < 15 && !failed; group++) {
        if (group == armAt) {
          fault.accept(storage);
        }
        try {
          for (int i = random.nextInt(4); i >= 0; i--) {
            WriteBatch batch = WalFixture.randomBatch(random);
            log.append(next, batch);
            appended.add(Rec.of(next, batch));
            next += batch.count();
          }
          if (random.nextInt(5) == 0) {
            log.roll();
          } else {
            log.sync();
          }
          acknowledged = appended.size();
        } catch (IOException e) {
          failed = true;
          long after = next;
          assertThrows(
              IOException.class,
              () -> log.append(after, WalFixture.batch(1, 1)),
              "a log that failed must refuse further appends");
          assertThrows(IOException.class, log::sync, "and further syncs");
        }
      }
      storage.clearFaults();
      if (powerLossAfter) {
        storage.simulatePowerLoss(FaultInjectingStorage.UnsyncedData.TORN);
      }
      try {
        log.close();
      } catch (IOException | RuntimeException ignored) {
        // closing a failed log may fail too
      }
      List<Rec> replayed =
          WalFixture.replay(dir, WalRecoveryMode.TOLERATE_CORRUPTED_TAIL).records();
      assertTrue(replayed.size() <= appended.size(), "more came back than was appended");
      assertEquals(appended.subList(0, replayed.size()), replayed, "not a prefix, or partial");
      assertTrue(
          replayed.size() >= acknowledged,
          acknowledged + " records were acknowledged but only " + replayed.size() + " came back");
      try (WriteAheadLog reopened = WalFixture.open(dir)) {
        WalFixture.Replayed again =
            WalFixture.replay(reopened, 0, WalRecoveryMode.ABSOLUTE_CONSISTENCY);
        assertEquals(replayed, again.records(), "the repaired log is clean");
        long first = again.result().lastSequence() + 1;
        reopened.append(first, WalFixture.batch(7, 2));
        reopened.sync();
      }
      assertEquals(
          replayed.size() + 1,
          WalFixture.replay(dir, WalRecoveryMode.ABSOLUTE_CONSISTENCY).records().size(),
          "the log carries on after the failure");
    } finally {
      deleteRecursively(dir);
    }
  }

  @Test
  void aFullDiskStoresAPartialRecordThatReplayCutsOff() throws IOException {
    Path dir = temp.resolve("wal");
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    WriteAheadLog log = WalFixture.open(storage, dir, WalFixture.LARGE_SEGMENT);
    WriteBatch first = WalFixture.batch(1, 3);
    log.append(1, first);
    log.sync();
    long synced = Files.size(dir.resolve(SegmentFormat.fileName(1)));
    storage.diskFullAfter(10);
    log.append(4, WalFixture.batch(2, 3));
    IOException e = assertThrows(IOException.class, log::sync);
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    storage.clearFaults();
    log.close();
    assertEquals(
        synced + 10,
        Files.size(dir.resolve(SegmentFormat.fileName(1))),
        "what fit on the disk stays there, as a torn tail");
    WalFixture.Replayed replayed = WalFixture.replay(dir, WalRecoveryMode.TOLERATE_CORRUPTED_TAIL);
    assertEquals(List.of(Rec.of(1, first)), replayed.records());
    assertEquals(10, replayed.result().droppedBytes());
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
