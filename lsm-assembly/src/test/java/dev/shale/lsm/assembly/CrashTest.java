package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.engine.DbInspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a writing JVM with SIGKILL at random moments (often in the middle of a flush or compaction,
 * given the tiny memtables) and checks after every restart that every acknowledged batch is there,
 * none is partly there, and no file is left over. Cycles: {@code -Dshale.crash.cycles} (20 by
 * default, 1,000 with {@code -Pcampaign}).
 */
class CrashTest {
  private static final Logger LOG = LoggerFactory.getLogger(CrashTest.class);

  @TempDir Path dir;

  @Test
  void acknowledgedBatchesSurviveSigkillAndNoBatchIsPartial() throws Exception {
    int cycles = Integer.getInteger("shale.crash.cycles", 20);
    Random random = new Random(Long.getLong("shale.crash.seed", System.nanoTime()));
    String[] memtables = {"skiplist", "vector"};
    String[] strategies = {"leveled", "tiered"};
    long[] next = new long[CrashWorkload.THREADS];
    for (int t = 0; t < next.length; t++) {
      next[t] = t;
    }
    Set<Long> everAcknowledged = new TreeSet<>();
    Set<Long> tablesBefore = new TreeSet<>();
    int cyclesThatCompacted = 0;
    int cyclesKilledMidWrite = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      String memtable = memtables[random.nextInt(2)];
      String strategy = strategies[random.nextInt(2)];
      Set<Long> acked = runAndKill(next, memtable, strategy, 200 + random.nextInt(1200));
      everAcknowledged.addAll(acked);
      // What the killed writer left: a table below level 0 that did not exist before this cycle
      // can only come from one of its compactions; a table the manifest does not list is the
      // output of a flush or compaction the kill interrupted.
      if (Files.exists(dir.resolve("CURRENT"))) {
        DbInspector.ManifestInfo left = ShaleTools.onDisk(CrashWorkload.options()).manifest(dir);
        Set<Long> known = Set.copyOf(tablesBefore);
        if (left.tables().stream().anyMatch(t -> t.level() > 0 && !known.contains(t.fileId()))) {
          cyclesThatCompacted++;
        }
        if (!liveTables(left).equals(tablesOnDisk())) {
          cyclesKilledMidWrite++;
        }
      }
      Set<Long> applied;
      try (Db db =
          Shale.builder(dir)
              .memtable(memtable)
              .compaction(strategy)
              .options(CrashWorkload.options())
              .open()) {
        applied = CrashWorkload.check(db, everAcknowledged);
      } catch (AssertionError e) {
        throw new AssertionError(
            "cycle " + cycle + " (" + memtable + ", " + strategy + "): " + e.getMessage(), e);
      }
      tablesBefore.clear();
      ShaleTools.onDisk(CrashWorkload.options()).manifest(dir).tables().stream()
          .map(DbInspector.TableInfo::fileId)
          .forEach(tablesBefore::add);
      assertNoLeftoverFiles();
      for (long b : applied) {
        int t = (int) (b % CrashWorkload.THREADS);
        next[t] = Math.max(next[t], b + CrashWorkload.THREADS);
      }
    }
    assertTrue(
        everAcknowledged.size() > cycles, "the writer acknowledged too little to test anything");
    // Tiny memtables, files and levels keep flushes and compactions running all the time, so
    // kills land in them; the manifests show that compactions did run in the killed writers.
    assertTrue(
        cyclesThatCompacted > 0,
        "no killed writer compacted (" + cyclesKilledMidWrite + " cycles killed mid-write)");
    LOG.info(
        "{} cycles: {} with compactions in the killed writer, {} killed during a flush or"
            + " compaction",
        cycles,
        cyclesThatCompacted,
        cyclesKilledMidWrite);
  }

  private Set<Long> runAndKill(long[] next, String memtable, String strategy, long millisAfterReady)
      throws IOException, InterruptedException {
    return runAndKill(dir, next, memtable, strategy, millisAfterReady);
  }

  /**
   * Runs a {@link CrashWriter} on {@code dir} with {@code extraArgs}, kills it with SIGKILL {@code
   * millisAfterReady} after it is ready, and returns the batches it acknowledged.
   */
  static Set<Long> runAndKill(
      Path dir,
      long[] next,
      String memtable,
      String strategy,
      long millisAfterReady,
      String... extraArgs)
      throws IOException, InterruptedException {
    String starts =
        Stream.of(next[0], next[1], next[2], next[3])
            .map(String::valueOf)
            .collect(Collectors.joining(","));
    List<String> args = new ArrayList<>(List.of(dir.toString(), starts, memtable, strategy));
    args.addAll(List.of(extraArgs));
    return KilledChild.runAndKill(CrashWriter.class, args, millisAfterReady);
  }

  /**
   * Every file in the Db directory is live: the tables the manifest lists, the manifest CURRENT
   * names, log segments from the manifest's log number on, the lifetime counters; nothing else (no
   * interrupted table, old manifest or set-aside log) survives an open.
   */
  private void assertNoLeftoverFiles() throws IOException {
    DbInspector.ManifestInfo manifest = ShaleTools.onDisk(CrashWorkload.options()).manifest(dir);
    assertEquals(
        liveTables(manifest),
        tablesOnDisk(),
        "tables on disk that the manifest does not list (or the reverse)");
    Set<String> top = names(dir);
    // The lifetime counters, and their next version if the kill came between its write and its
    // rename (informational: the next rewrite replaces it).
    top.remove("COUNTERS");
    top.remove("COUNTERS.tmp");
    assertEquals(
        new TreeSet<>(Set.of("CURRENT", "LOCK", manifest.manifestFile(), "sst", "wal")),
        top,
        "files in the Db directory");
    // Log segments below the manifest's log number may survive an open after a kill (they go at
    // the next flush), so only their names are checked: no set-aside or half-rewritten segment.
    for (String segment : names(dir.resolve("wal"))) {
      assertTrue(segment.matches("[0-9]{20}\\.wal"), "unexpected file in wal/: " + segment);
    }
  }

  private static Set<String> liveTables(DbInspector.ManifestInfo manifest) {
    Set<String> live = new TreeSet<>();
    manifest.tables().forEach(t -> live.add(t.path().getFileName().toString()));
    return live;
  }

  private Set<String> tablesOnDisk() throws IOException {
    return names(dir.resolve("sst"));
  }

  private static Set<String> names(Path directory) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }
}
