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
  private static final int ENTRIES = 500_000;

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
    byte[][] keys = new byte[ENTRIES][];
    for (int i = 0; i < ENTRIES; i++) {
      keys[i] = key(i);
    }
    java.util.Arrays.sort(keys, java.util.Arrays::compareUnsigned);
    ByteArrayTableOutput out = new ByteArrayTableOutput("probe.sst");
    byte[] value = new byte[100];
    try (SSTableWriter w = new BlockTableFormat().newWriter(out, TableWriterOptions.defaults())) {
      for (int i = 0; i < ENTRIES; i++) {
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
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          LookupResult res = r.get(keys[random.nextInt(ENTRIES)], Sequences.MAX_SEQUENCE);
          sink += res == null ? 0 : res.sequence();
        }
        long present = System.nanoTime() - start;
        byte[] absent = key(0).clone();
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          absent[0] = (byte) ('g' + (i & 7));
          absent[15] = (byte) i;
          sink += r.get(absent, Sequences.MAX_SEQUENCE) == null ? 1 : 0;
        }
        long missing = System.nanoTime() - start;
        System.out.printf(
            "round %d: get of a present key %.0f ns/op, of an absent key %.0f ns/op (%s)%n",
            round, (double) present / n, (double) missing / n, cache.stats());
      }
      assertNotNull(Long.valueOf(sink));
    }
  }
}
