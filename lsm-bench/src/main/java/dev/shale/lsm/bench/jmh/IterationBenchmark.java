package dev.shale.lsm.bench.jmh;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.assembly.Shale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A full scan of a Db of {@link #ENTRIES} keys (16 + 100 bytes) through the engine's iterator, the
 * merging iterator included, reported per entry: Shale's {@code DbIterator} against RocksJava's
 * {@code RocksIterator} ({@code -p engine=shale,rocksjava}). The data are compacted into one level
 * and fit in a 256 MiB block cache, so this measures iteration, not I/O.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class IterationBenchmark {
  static final int ENTRIES = 200_000;

  @Param({"shale", "rocksjava"})
  public String engine = "shale";

  private Path directory;
  private @Nullable Db shale;
  private @Nullable RocksDB rocks;
  private @Nullable Options rocksOptions;
  private @Nullable LRUCache rocksCache;

  @SuppressWarnings("NullAway.Init")
  public IterationBenchmark() {}

  @Setup
  public void setUp() throws IOException, RocksDBException {
    Path base =
        Path.of(System.getProperty("shale.bench.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    directory = Files.createTempDirectory(base, "scan-bench");
    byte[] value = Keys.value(5);
    if (engine.equals("shale")) {
      Db db =
          Shale.builder(directory)
              .options(DbOptions.builder().compression("none").blockCacheBytes(256L << 20).build())
              .open();
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < ENTRIES; i++) {
        batch.put(Keys.key(i), value);
        if (batch.count() == 1000) {
          db.write(batch);
          batch = new WriteBatch();
        }
      }
      db.write(batch);
      db.compactRange(null, null);
      shale = db;
    } else {
      RocksDB.loadLibrary();
      LRUCache cache = new LRUCache(256L << 20);
      Options options =
          new Options()
              .setCreateIfMissing(true)
              .setCompressionType(CompressionType.NO_COMPRESSION)
              .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
      RocksDB db = RocksDB.open(options, directory.toString());
      try (org.rocksdb.WriteOptions wo = new org.rocksdb.WriteOptions()) {
        org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();
        for (int i = 0; i < ENTRIES; i++) {
          batch.put(Keys.key(i), value);
          if (batch.count() == 1000) {
            db.write(wo, batch);
            batch.close();
            batch = new org.rocksdb.WriteBatch();
          }
        }
        db.write(wo, batch);
        batch.close();
      }
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush);
      }
      db.compactRange();
      rocks = db;
      rocksOptions = options;
      rocksCache = cache;
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    if (shale != null) {
      shale.close();
    }
    if (rocks != null) {
      rocks.close();
    }
    if (rocksOptions != null) {
      rocksOptions.close();
    }
    if (rocksCache != null) {
      rocksCache.close();
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(directory)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public long scan() {
    long bytes = 0;
    Db db = shale;
    if (db != null) {
      try (DbIterator it = db.iterator(ReadOptions.defaults())) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          bytes += it.key().length + it.value().length;
        }
      }
      return bytes;
    }
    RocksDB r = rocks;
    if (r == null) {
      throw new IllegalStateException("not set up");
    }
    try (RocksIterator it = r.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bytes += it.key().length + it.value().length;
      }
    }
    return bytes;
  }
}
