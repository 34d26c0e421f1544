package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.engine.DbInspector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL at random moments (often in the middle of a flush or compaction,
 * given the tiny memtables) and checks after every restart that every acknowledged batch is there,
 * none is partly there, and no file is left over. Cycles: {@code -Dshale.crash.cycles} (20 by
 * default, 1,000 with {@code -Pcampaign}).
 */
class CrashTest {
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
    for (int cycle = 0; cycle < cycles; cycle++) {
      String memtable = memtables[random.nextInt(2)];
      String strategy = strategies[random.nextInt(2)];
      Set<Long> acked = runAndKill(next, memtable, strategy, 200 + random.nextInt(1200));
      everAcknowledged.addAll(acked);
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
      assertNoLeftoverTables();
      for (long b : applied) {
        int t = (int) (b % CrashWorkload.THREADS);
        next[t] = Math.max(next[t], b + CrashWorkload.THREADS);
      }
    }
    assertTrue(
        everAcknowledged.size() > cycles, "the writer acknowledged too little to test anything");
  }

  private Set<Long> runAndKill(long[] next, String memtable, String strategy, long millisAfterReady)
      throws IOException, InterruptedException {
    String starts =
        Stream.of(next[0], next[1], next[2], next[3])
            .map(String::valueOf)
            .collect(Collectors.joining(","));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                dir.toString(),
                starts,
                memtable,
                strategy)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Set<Long> acked = new ConcurrentSkipListSet<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("READY")) {
                    ready.countDown();
                  } else if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                  }
                }
              } catch (IOException e) {
                // the child died: what was read is what was acknowledged
              }
            });
    reader.start();
    assertTrue(ready.await(60, TimeUnit.SECONDS), "the writer did not start");
    Thread.sleep(millisAfterReady);
    child.destroyForcibly(); // SIGKILL on Linux
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    reader.join(10_000);
    return acked;
  }

  private void assertNoLeftoverTables() throws IOException {
    DbInspector.ManifestInfo manifest = ShaleTools.onDisk(CrashWorkload.options()).manifest(dir);
    Set<String> live = new TreeSet<>();
    manifest.tables().forEach(t -> live.add(t.path().getFileName().toString()));
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      files.forEach(p -> onDisk.add(p.getFileName().toString()));
    }
    assertEquals(live, onDisk, "tables on disk that the manifest does not list (or the reverse)");
  }
}
