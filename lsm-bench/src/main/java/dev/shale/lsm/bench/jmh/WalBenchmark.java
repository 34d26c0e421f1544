package dev.shale.lsm.bench.jmh;

import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending one single-put batch (16-byte key, 100-byte value) to a write-ahead log per installed
 * provider ({@code -p wal=segmented}), handed to the OS ({@code sync=false}: flush) or forced to
 * the device ({@code sync=true}: one fsync per append, the bound of an ungrouped sync commit). Runs
 * in {@code shale.bench.dir} (default the temp dir), which must be on the disk under test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class WalBenchmark {
  @Param({"segmented"})
  public String wal = "segmented";

  @Param({"false", "true"})
  public boolean sync;

  private Path directory;
  private WriteAheadLog log;
  private final WriteBatch batch = new WriteBatch();
  private long sequence;

  @SuppressWarnings("NullAway.Init")
  public WalBenchmark() {}

  @Setup
  public void setUp() throws IOException {
    Path base =
        Path.of(System.getProperty("shale.bench.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    directory = Files.createTempDirectory(base, "wal-bench");
    log =
        ProviderRegistry.installed(WalProvider.class)
            .get(wal)
            .open(new WalOptions(DiskStorage.instance(), directory, 64L << 20));
    batch.put(Keys.key(1), Keys.value(1));
  }

  @TearDown
  public void tearDown() throws IOException {
    log.close();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(directory)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  @Benchmark
  public long append() throws IOException {
    long first = ++sequence;
    log.append(first, batch);
    if (sync) {
      log.sync();
    } else {
      log.flush();
    }
    if ((first & 0xFFFF) == 0) {
      log.deleteSegmentsBefore(log.activeSegmentId()); // keep the disk footprint bounded
    }
    return first;
  }
}
