package dev.shale.lsm.bench.jmh;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SSTable encode and decode per installed format ({@code -p format=block}) and codec: {@code write}
 * encodes a table of {@link #WRITE_ENTRIES} entries (reported per entry); {@code get}, {@code seek}
 * and {@code mayContain} read a table of {@code entries} keys held in memory, with every block in a
 * block cache large enough to hold them all ({@code -p blockCache=...} to compare caches), so they
 * measure block search and decoding, not I/O. {@code mayContain} alternates present and absent
 * keys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class TableBenchmark {
  static final int WRITE_ENTRIES = 10_000;

  @Param({"block"})
  public String format = "block";

  @Param({"none", "lz4"})
  public String compression = "none";

  /**
   * "caffeine" serves blocks from the cache (index, restart-point search, entry decode); "none"
   * reads, checks, decompresses and parses the block on every get and seek (block decode).
   */
  @Param({"caffeine", "none"})
  public String blockCache = "caffeine";

  @Param({"200000"})
  public int entries = 200_000;

  private SSTableFormat tableFormat;
  private TableWriterOptions options;
  private BlockCache cache;
  private SSTableReader reader;
  private final MemoryOutput scratch = new MemoryOutput();
  private byte[][] writeKeys = new byte[0][];
  private byte[] value = new byte[0];
  private byte[][] present = new byte[0][];
  private byte[][] probes = new byte[0][];
  private int probe;

  @SuppressWarnings("NullAway.Init")
  public TableBenchmark() {}

  @Setup
  public void setUp() throws IOException {
    tableFormat = ProviderRegistry.installed(SSTableFormat.class).get(format);
    options = new TableWriterOptions(4096, 16, 10, compression);
    value = Keys.value(3);
    writeKeys = new byte[WRITE_ENTRIES][];
    for (int i = 0; i < WRITE_ENTRIES; i++) {
      writeKeys[i] = Keys.key(i);
    }
    MemoryOutput file = new MemoryOutput();
    try (SSTableWriter writer = tableFormat.newWriter(file, options)) {
      for (int i = 0; i < entries; i++) {
        writer.add(Keys.key(i), i + 1, EntryKind.PUT, value);
      }
      writer.finish();
    }
    cache = ProviderRegistry.installed(BlockCacheProvider.class).get(blockCache).create(1L << 30);
    reader = tableFormat.openReader(file.toInput(), new TableReaderOptions(1, cache));
    present = new byte[4096][];
    probes = new byte[4096][];
    for (int i = 0; i < present.length; i++) {
      long n = Math.floorMod(Keys.scramble(i), entries);
      present[i] = Keys.key(n);
      probes[i] = (i & 1) == 0 ? Keys.key(n) : Keys.missing(n);
    }
  }

  @TearDown
  public void tearDown() {
    reader.close();
    cache.close();
  }

  @Benchmark
  @OperationsPerInvocation(WRITE_ENTRIES)
  public long write() throws IOException {
    scratch.reset();
    try (SSTableWriter writer = tableFormat.newWriter(scratch, options)) {
      for (int i = 0; i < WRITE_ENTRIES; i++) {
        writer.add(writeKeys[i], i + 1, EntryKind.PUT, value);
      }
      writer.finish();
    }
    return scratch.position();
  }

  @Benchmark
  public @Nullable LookupResult get() {
    return reader.get(present[probe++ & (present.length - 1)], Sequences.MAX_SEQUENCE);
  }

  @Benchmark
  public long seek() {
    try (InternalIterator it = reader.iterator(true)) {
      it.seek(present[probe++ & (present.length - 1)], Sequences.MAX_SEQUENCE);
      return it.isValid() ? it.sequence() + it.value().length : -1;
    }
  }

  @Benchmark
  public boolean mayContain() {
    return reader.mayContain(probes[probe++ & (probes.length - 1)]);
  }
}
