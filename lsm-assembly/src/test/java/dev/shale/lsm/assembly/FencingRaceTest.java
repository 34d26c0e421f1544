package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Races two primaries of one {@code file://} bucket in separate JVMs, each writing REMOTE from
 * three threads with unique tags, kills both with SIGKILL at random moments, and restores the
 * bucket into a fresh directory: every write either acknowledged is there, none that failed with
 * {@code FencedException} is, and the restore (a live writer claiming the bucket) always succeeds.
 * Schedules: a takeover while the old primary writes, two primaries opening at once, and a kill in
 * the middle of the new primary's claim. The old primary of each race reopens the directory the
 * last restore made, so epochs and kept directories pile up across races. Races: {@code
 * -Dshale.fencing.races} (4 by default, 200 with {@code -Pcampaign}).
 */
class FencingRaceTest {
  private static final Logger LOG = LoggerFactory.getLogger(FencingRaceTest.class);

  @TempDir Path tmp;

  @Test
  void everyRemoteAcknowledgedWriteOfTwoRacingPrimariesSurvivesAndNoFailedWriteComesBack()
      throws Exception {
    int races = Integer.getInteger("shale.fencing.races", 4);
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    String bucket = tmp.resolve("bucket").toUri().toString();
    Set<Long> acknowledged = new TreeSet<>();
    Set<Long> failed = new TreeSet<>();
    Path oldDir = tmp.resolve("start");
    int bothFenced = 0;
    int newOpened = 0;
    for (int race = 0; race < races; race++) {
      int schedule = random.nextInt(3);
      Path newDir = tmp.resolve("new-" + race);
      long baseA = race * 1_000_000L;
      long baseB = baseA + 500_000;
      KilledChild a = null;
      KilledChild b = null;
      try {
        a =
            KilledChild.start(
                FencingRaceChild.class, List.of(oldDir.toString(), bucket, "" + baseA));
        if (schedule != 1) {
          assertTrue(a.awaitReady(Duration.ofSeconds(60)), "race " + race + ": a did not open");
          Thread.sleep(50 + random.nextInt(300));
        }
        b =
            KilledChild.start(
                FencingRaceChild.class, List.of(newDir.toString(), bucket, "" + baseB));
        if (schedule == 2) {
          Thread.sleep(200 + random.nextInt(600)); // often in the middle of b's claim
        } else if (b.awaitReady(Duration.ofSeconds(60))) {
          newOpened++;
          Thread.sleep(random.nextInt(400));
        }
        KilledChild first = random.nextBoolean() ? a : b;
        KilledChild second = first == a ? b : a;
        first.kill();
        Thread.sleep(random.nextInt(100));
        second.kill();
      } finally {
        if (a != null) {
          a.close();
        }
        if (b != null) {
          b.close();
        }
      }
      acknowledged.addAll(a.acked());
      acknowledged.addAll(b.acked());
      failed.addAll(a.failed());
      failed.addAll(b.failed());
      if (!a.failed().isEmpty() && !b.failed().isEmpty()) {
        bothFenced++;
      }
      for (long n : a.acked()) {
        assertTrue(!a.failed().contains(n), "a both acknowledged and failed tag " + n);
      }
      Path restored = tmp.resolve("restored-" + race);
      try (Db db =
          Shale.builder(restored).options(CrashWorkload.options()).objectStore(bucket).open()) {
        for (long n : acknowledged) {
          assertArrayEquals(
              FencingRaceChild.value(n),
              db.get(FencingRaceChild.key(n)),
              "race " + race + " (schedule " + schedule + "): acknowledged tag " + n + " is lost");
        }
        for (long n : failed) {
          assertNull(
              db.get(FencingRaceChild.key(n)),
              "race " + race + " (schedule " + schedule + "): failed tag " + n + " came back");
        }
      } catch (RuntimeException e) {
        throw new AssertionError("race " + race + ": the bucket cannot be restored", e);
      }
      oldDir = restored;
    }
    LOG.info(
        "{} races: {} writes acknowledged, {} failed with FencedException, {} races in which both"
            + " primaries were fenced, {} new primaries opened while the old one wrote",
        races,
        acknowledged.size(),
        failed.size(),
        bothFenced,
        newOpened);
    assertTrue(acknowledged.size() > races * 10, "too few writes: " + acknowledged.size());
  }
}
