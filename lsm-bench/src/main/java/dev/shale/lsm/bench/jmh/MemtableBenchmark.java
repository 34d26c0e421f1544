package dev.shale.lsm.bench.jmh;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memtable insert and point lookup, per installed memtable provider ({@code -p
 * memtable=skiplist,vector}). Inserts go in random key order; a memtable is replaced after {@link
 * #INSERT_LIMIT} entries so memory stays bounded. Lookups hit a memtable of {@code entries} keys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class MemtableBenchmark {
  static final int INSERT_LIMIT = 1 << 20;

  @Param({"skiplist", "vector"})
  public String memtable = "skiplist";

  @Param({"200000"})
  public int entries = 200_000;

  private MemtableProvider provider;
  private Memtable inserting;
  private Memtable lookup;
  private final byte[] buffer = new byte[Keys.KEY + Keys.VALUE];
  private byte[][] probes = new byte[0][];
  private long sequence;
  private long inserted;
  private int probe;

  @SuppressWarnings("NullAway.Init")
  public MemtableBenchmark() {}

  @Setup
  public void setUp() {
    provider = ProviderRegistry.installed(MemtableProvider.class).get(memtable);
    inserting = newMemtable();
    System.arraycopy(Keys.value(7), 0, buffer, Keys.KEY, Keys.VALUE);
    lookup = newMemtable();
    for (int i = 0; i < entries; i++) {
      Keys.put(buffer, 0, Keys.scramble(i));
      lookup.add(i + 1, EntryKind.PUT, buffer, 0, Keys.KEY, Keys.KEY, Keys.VALUE);
    }
    lookup.freeze();
    probes = new byte[4096][];
    for (int i = 0; i < probes.length; i++) {
      probes[i] = Keys.key(Keys.scramble((i * 7919L) % entries));
    }
  }

  private Memtable newMemtable() {
    return provider.create(new MemtableOptions(256L << 20));
  }

  @Benchmark
  public long insert() {
    if (inserted == INSERT_LIMIT) {
      inserting = newMemtable();
      inserted = 0;
    }
    inserted++;
    long n = ++sequence;
    Keys.put(buffer, 0, Keys.scramble(n));
    inserting.add(n, EntryKind.PUT, buffer, 0, Keys.KEY, Keys.KEY, Keys.VALUE);
    return n;
  }

  @Benchmark
  public @Nullable LookupResult get() {
    byte[] key = probes[probe++ & (probes.length - 1)];
    return lookup.get(key, Sequences.MAX_SEQUENCE);
  }
}
