package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beyond memory: a child JVM with a small heap loads a dataset several times its heap, a second one
 * reopens it and reads every entry back, checking each against the regenerated data ({@link
 * BigLoader}). Size and heap: {@code -Dshale.big.bytes} and {@code -Dshale.big.heap} (160 MiB with
 * {@code -Xmx64m} by default; {@code -Pcampaign} runs 3 GiB with {@code -Xmx256m}, 12 times the
 * heap).
 */
class BeyondMemoryTest {
  private static final Logger LOG = LoggerFactory.getLogger(BeyondMemoryTest.class);

  @TempDir Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.HOURS)
  void aDatasetLargerThanTheHeapLoadsAndReadsBackIntact() throws Exception {
    long bytes = Long.getLong("shale.big.bytes", 160L << 20);
    String heap = System.getProperty("shale.big.heap", "64m");
    long start = System.nanoTime();
    List<String> loaded = child("load", bytes, heap);
    long heapBytes = Long.parseLong(loaded.get(0).substring("HEAP ".length()));
    long n = BigLoader.entries(bytes);
    assertEquals("OK " + n, loaded.get(loaded.size() - 1));
    long onDisk = sstBytes();
    long logical = n * (BigLoader.VALUE_BYTES + 15);
    assertTrue(onDisk >= logical, "tables hold " + onDisk + " bytes for " + logical + " of data");
    assertTrue(
        logical >= 2 * heapBytes,
        "the data (" + logical + ") must dwarf the heap (" + heapBytes + ")");
    List<String> checked = child("check", bytes, heap);
    assertEquals("OK " + n, checked.get(checked.size() - 1));
    LOG.info(
        "loaded and checked {} entries, {} MiB of tables, {}x the child heap of {} MiB, in {} s",
        n,
        onDisk >> 20,
        logical / heapBytes,
        heapBytes >> 20,
        (System.nanoTime() - start) / 1_000_000_000L);
  }

  private List<String> child(String mode, long bytes, String heap)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path err = dir.resolve(mode + ".err");
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                BigLoader.class.getName(),
                mode,
                dir.resolve("db").toString(),
                Long.toString(bytes))
            .redirectError(err.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    String stderr = Files.readString(err);
    assertEquals(
        0,
        exit,
        mode + " failed: " + out + "\n" + stderr.substring(Math.max(0, stderr.length() - 4000)));
    return out.lines().toList();
  }

  private long sstBytes() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("db").resolve("sst"))) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
