package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider;
import dev.shale.lsm.tck.sstable.ByteArrayTableInput;
import dev.shale.lsm.tck.sstable.ByteArrayTableOutput;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An informal single-thread measurement of {@code get} on a fully cached table (keys of 16 bytes,
 * values of 100). Not a benchmark (that is lsm-bench's JMH): it runs only with {@code
 * -Dshale.sstable.getCost=true} and prints ns/op.
 */
class GetCostProbe {
  /** Table sizes: one far beyond the CPU caches, one that mostly fits (about 1.3 MB of blocks). */
  private static final int[] SIZES = {500_000, 10_000};

  /**
   * Process CPU time, not wall time: the build machine is shared and often oversubscribed. (Thread
   * CPU time would need java.management, which the module under test does not read.) Later rounds
   * are the ones to trust, once the JIT compiler threads are idle.
   */
  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
  }

  private static byte[] key(int i) {
    byte[] k = new byte[16];
    long h = i * 0x9E3779B97F4A7C15L;
    for (int b = 0; b < 8; b++) {
      k[b] = (byte) "0123456789abcdef".charAt((int) ((h >>> (b * 4)) & 0xF));
    }
    for (int b = 8; b < 16; b++) {
      k[b] = (byte) ('0' + (i >>> ((15 - b) * 3) & 7));
    }
    return k;
  }

  @Test
  void printGetCost() throws IOException {
    assumeTrue(
        Boolean.getBoolean("shale.sstable.getCost"), "run with -Dshale.sstable.getCost=true");
    String only = System.getProperty("shale.sstable.getCost.entries");
    for (int entries : only == null ? SIZES : new int[] {Integer.parseInt(only)}) {
      measure(entries);
    }
  }

  private static void measure(int entries) throws IOException {
    byte[][] keys = new byte[entries][];
    for (int i = 0; i < entries; i++) {
      keys[i] = key(i);
    }
    java.util.Arrays.sort(keys, java.util.Arrays::compareUnsigned);
    ByteArrayTableOutput out = new ByteArrayTableOutput("probe.sst");
    byte[] value = new byte[100];
    try (SSTableWriter w = new BlockTableFormat().newWriter(out, TableWriterOptions.defaults())) {
      for (int i = 0; i < entries; i++) {
        w.add(keys[i], i + 1, EntryKind.PUT, value);
      }
      w.finish();
    }
    BlockCache cache = new CaffeineBlockCacheProvider().create(1L << 30);
    try (SSTableReader r =
        new BlockTableFormat()
            .openReader(
                new ByteArrayTableInput("probe.sst", out.toByteArray()),
                new TableReaderOptions(1, cache))) {
      Random random = new Random(1);
      long sink = 0;
      for (int round = 0; round < 5; round++) {
        int n = 2_000_000;
        long start = cpuNanos();
        for (int i = 0; i < n; i++) {
          LookupResult res = r.get(keys[random.nextInt(entries)], Sequences.MAX_SEQUENCE);
          sink += res == null ? 0 : res.sequence();
        }
        long present = cpuNanos() - start;
        byte[] absent = key(0).clone();
        start = cpuNanos();
        for (int i = 0; i < n; i++) {
          absent[0] = (byte) ('g' + (i & 7));
          absent[15] = (byte) i;
          sink += r.get(absent, Sequences.MAX_SEQUENCE) == null ? 1 : 0;
        }
        long missing = cpuNanos() - start;
        System.out.printf(
            "%d entries, round %d: get of a present key %.0f CPU ns/op, of an absent key %.0f CPU ns/op"
                + " (%s)%n",
            entries, round, (double) present / n, (double) missing / n, cache.stats());
      }
      assertNotNull(Long.valueOf(sink));
    }
  }
}
