package dev.shale.lsm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The workloads, written once against {@link BenchDb}. Each runs in its own JVM (see {@link
 * DbBench}) so process figures belong to one engine and one workload.
 *
 * <p>Data sets, per engine under the run's root: {@code main} is loaded by fillrandom (every key
 * {@code 0..num-1} once, in random order), then overwritten by overwrite, and read by the read
 * workloads after a full compaction settled it (loaded on demand when a read workload runs alone);
 * readwhilewriting modifies it, so it runs last. fillseq, fillsync-N and bulkload use fresh Dbs
 * they delete afterwards.
 */
final class Workloads {
  /** Every workload, in the order a run executes them. */
  static final List<String> ALL =
      List.of(
          "fillseq",
          "fillrandom",
          "overwrite",
          "readrandom",
          "readmissing",
          "seekrandom",
          "readwhilewriting",
          "fillsync-1",
          "fillsync-2",
          "fillsync-4",
          "fillsync-8",
          "bulkload");

  /** The report rows each workload produces, in order. */
  static List<String> rows(String workload) {
    return workload.equals("bulkload")
        ? List.of("bulkload", "readrandom-bigdata")
        : List.of(workload);
  }

  private static final int SEEK_NEXTS = 10;

  private final BenchConfig config;
  private final KeySpace keys;
  private final Path root;
  private final EngineKind engine;

  Workloads(BenchConfig config, EngineKind engine, Path root) {
    this.config = config;
    this.engine = engine;
    this.root = root.resolve(engine.label());
    this.keys = new KeySpace(config.keySize(), config.valueSize(), config.seed());
  }

  /** Runs {@code workload}; failures come back as a failed result, not an exception. */
  RunResult run(String workload) {
    try {
      Files.createDirectories(root);
      return switch (workload) {
        case "fillseq" -> fill(workload, "fillseq", false);
        case "fillrandom" -> fill(workload, "main", true);
        case "overwrite" -> overwrite();
        case "readrandom", "readmissing", "seekrandom", "readwhilewriting" -> read(workload);
        case "bulkload" -> bulkLoad();
        default -> {
          if (workload.startsWith("fillsync-")) {
            yield fillSync(workload, Integer.parseInt(workload.substring("fillsync-".length())));
          }
          throw new IllegalArgumentException(
              "unknown workload '" + workload + "'; known: " + String.join(",", ALL));
        }
      };
    } catch (RuntimeException | IOException | Error e) {
      LoggerFactory.getLogger(Workloads.class)
          .error("{} on {} failed", workload, engine.label(), e);
      StringBuilder why = new StringBuilder(e.toString());
      for (Throwable c = e.getCause(); c != null && why.length() < 600; c = c.getCause()) {
        why.append(" <- ").append(c);
      }
      return RunResult.failed(engine.label(), workload, why.toString().replace('\n', ' '));
    }
  }

  private RunResult fill(String workload, String dbName, boolean random) throws IOException {
    Path dir = fresh(dbName);
    int[] order = random ? KeySpace.permutation(config.num(), config.seed()) : null;
    warmUpWrites(false);
    try (BenchDb db = engine.open(dir, config.engine())) {
      long io0 = ProcessMetrics.storageWriteBytes();
      PhaseResult phase =
          TimedPhase.run(
              workload,
              1,
              config.num(),
              0,
              t -> {
                byte[] key = keys.newKey();
                return i -> {
                  db.put(keys.fill(key, order == null ? i : order[(int) i]), keys.value(i), false);
                  return false;
                };
              });
      db.flushAndWait();
      long written = ProcessMetrics.storageWriteBytes() - io0;
      if (random) {
        db.compactAll(); // settle for the read workloads; not counted
        markLoaded();
      }
      return finish(
          workload,
          dir,
          db,
          List.of(phase),
          phase.ops() * config.entryBytes(),
          written,
          config.num() * config.entryBytes(),
          !random);
    }
  }

  private RunResult overwrite() throws IOException {
    Path dir = ensureMain();
    warmUpWrites(false);
    try (BenchDb db = engine.open(dir, config.engine())) {
      db.awaitBackgroundWork();
      long io0 = ProcessMetrics.storageWriteBytes();
      PhaseResult phase =
          TimedPhase.run(
              "overwrite",
              1,
              config.num(),
              config.durationSeconds(),
              t -> {
                byte[] key = keys.newKey();
                SplittableRandom random = new SplittableRandom(config.seed() * 31 + 7);
                return i -> {
                  db.put(keys.fill(key, random.nextInt(config.num())), keys.value(i), false);
                  return false;
                };
              });
      db.flushAndWait();
      long written = ProcessMetrics.storageWriteBytes() - io0;
      db.compactAll(); // settle for the read workloads; not counted
      return finish(
          "overwrite",
          dir,
          db,
          List.of(phase),
          phase.ops() * config.entryBytes(),
          written,
          config.num() * config.entryBytes(),
          false);
    }
  }

  private RunResult read(String workload) throws IOException {
    Path dir = ensureMain();
    try (BenchDb db = engine.open(dir, config.engine())) {
      db.awaitBackgroundWork();
      long io0 = ProcessMetrics.storageWriteBytes();
      AtomicLong writes = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = null;
      if (workload.equals("readwhilewriting")) {
        writer = new Thread(() -> overwriteUntil(db, stop, writes), "writer");
        writer.start();
      }
      PhaseResult phase;
      long writerNanos = System.nanoTime();
      try {
        phase = readPhase(workload, db);
      } finally {
        stop.set(true);
        if (writer != null) {
          join(writer);
        }
      }
      writerNanos = System.nanoTime() - writerNanos;
      long written = ProcessMetrics.storageWriteBytes() - io0;
      String extra =
          writer == null
              ? ""
              : String.format(Locale.ROOT, "writer=%.0f ops/s ", writes.get() * 1e9 / writerNanos);
      return finish(
          workload,
          dir,
          db,
          List.of(phase),
          writes.get() * config.entryBytes(),
          written,
          config.num() * config.entryBytes(),
          false,
          extra);
    }
  }

  private PhaseResult readPhase(String row, BenchDb db) {
    if (config.warmupSeconds() > 0) {
      // Same operations, other random keys, result dropped: the JIT has compiled both engines'
      // read paths (RocksJava's JNI stubs too) before the timed phase starts.
      TimedPhase.run(
          row + "-warmup",
          config.threads(),
          config.reads(),
          config.warmupSeconds(),
          readWorkers(row, config.seed() * 977 + row.hashCode(), db));
    }
    return TimedPhase.run(
        row,
        config.threads(),
        config.reads(),
        config.durationSeconds(),
        readWorkers(row, config.seed() * 131 + row.hashCode(), db));
  }

  private IntFunction<TimedPhase.Worker> readWorkers(String row, long seedBase, BenchDb db) {
    return t -> {
      byte[] key = keys.newKey();
      SplittableRandom random = new SplittableRandom(seedBase + t);
      return switch (row) {
        case "readmissing" ->
            i -> db.get(keys.fillMissing(key, random.nextInt(config.num()))) != null;
        case "seekrandom" ->
            i -> {
              try (BenchDb.Cursor cursor = db.cursor()) {
                cursor.seek(keys.fill(key, random.nextInt(config.num())));
                boolean hit = cursor.isValid();
                for (int n = 0; n < SEEK_NEXTS && cursor.isValid(); n++) {
                  consume(cursor.key(), cursor.value());
                  cursor.next();
                }
                return hit;
              }
            };
        default -> i -> db.get(keys.fill(key, random.nextInt(config.num()))) != null;
      };
    };
  }

  private static long sink;

  /** Keeps the JIT from dropping reads whose result is unused. */
  private static void consume(byte[] key, byte[] value) {
    sink += key.length + value.length;
  }

  private void overwriteUntil(BenchDb db, AtomicBoolean stop, AtomicLong writes) {
    byte[] key = keys.newKey();
    SplittableRandom random = new SplittableRandom(config.seed() * 17 + 3);
    long n = 0;
    while (!stop.get()) {
      db.put(keys.fill(key, random.nextInt(config.num())), keys.value(n), false);
      n++;
      if ((n & 255) == 0) {
        writes.set(n);
      }
    }
    writes.set(n);
  }

  private RunResult fillSync(String workload, int threads) throws IOException {
    Path dir = fresh(workload);
    int total = config.syncNum();
    int[] order = KeySpace.permutation(total, config.seed() + threads);
    try (BenchDb db = engine.open(dir, config.engine())) {
      long io0 = ProcessMetrics.storageWriteBytes();
      PhaseResult phase =
          TimedPhase.run(
              workload,
              threads,
              total,
              config.durationSeconds(),
              t -> {
                byte[] key = keys.newKey();
                return i -> {
                  db.put(keys.fill(key, order[(int) i]), keys.value(i), true);
                  return false;
                };
              });
      long written = ProcessMetrics.storageWriteBytes() - io0;
      long user = phase.ops() * config.entryBytes();
      return finish(workload, dir, db, List.of(phase), user, written, user, true);
    }
  }

  private RunResult bulkLoad() throws IOException {
    Path dir = fresh("bulk");
    int[] order = KeySpace.permutation(config.num(), config.seed() + 5);
    EngineSettings small = config.engine().withBlockCacheBytes(config.bigdataCacheBytes());
    int batch = config.batchSize();
    int batches = (config.num() + batch - 1) / batch;
    warmUpWrites(true);
    try (BenchDb db = engine.open(dir, small)) {
      long io0 = ProcessMetrics.storageWriteBytes();
      long start = System.nanoTime();
      PhaseResult load =
          TimedPhase.run(
              "bulkload",
              1,
              batches,
              0,
              t -> {
                byte[][] batchKeys = new byte[batch][];
                byte[][] batchValues = new byte[batch][];
                for (int i = 0; i < batch; i++) {
                  batchKeys[i] = keys.newKey();
                }
                return b -> {
                  int first = (int) b * batch;
                  int count = Math.min(batch, config.num() - first);
                  for (int i = 0; i < count; i++) {
                    keys.fill(batchKeys[i], order[first + i]);
                    batchValues[i] = keys.value(first + i);
                  }
                  db.putBatch(batchKeys, batchValues, count);
                  return false;
                };
              });
      db.flushAndWait();
      long loadNanos = System.nanoTime() - start;
      // The row counts keys, and its time includes the flush that puts them on disk; its latency
      // figures are per batch.
      load =
          new PhaseResult(
              "bulkload",
              config.num(),
              loadNanos,
              -1,
              load.p50Nanos(),
              load.p99Nanos(),
              load.p999Nanos(),
              load.maxNanos());
      db.compactAll();
      long written = ProcessMetrics.storageWriteBytes() - io0;
      PhaseResult reads = readPhase("readrandom-bigdata", db);
      long user = (long) config.num() * config.entryBytes();
      return finish("bulkload", dir, db, List.of(load, reads), user, written, user, true);
    }
  }

  /**
   * Writes into a scratch Db for {@code --warmup} seconds (at most a quarter of {@code --num} keys,
   * flush included) and deletes it, before a write workload: the JIT compiles both engines' write
   * and flush paths here rather than during the timed phase. Without it, Shale's child JVM spent
   * several seconds of C2 compilation (JFR jdk.Compilation) competing with its writer and flush
   * threads for the two cores, a start-up cost RocksJava's JVM, whose work runs in native code,
   * hardly pays. {@code --warmup 0} measures from a cold start instead. Sync writes are not warmed:
   * their time is the fsync.
   */
  private void warmUpWrites(boolean batches) throws IOException {
    if (config.warmupSeconds() <= 0) {
      return;
    }
    Path dir = fresh("warmup");
    int n = Math.max(1, Math.min(config.num() / 4, 250_000));
    int[] order = KeySpace.permutation(n, config.seed() + 99);
    int batch = Math.max(1, Math.min(config.batchSize(), n));
    try (BenchDb db = engine.open(dir, config.engine())) {
      TimedPhase.run(
          "warmup",
          1,
          batches ? (n + batch - 1) / batch : n,
          config.warmupSeconds(),
          t -> {
            byte[] key = keys.newKey();
            byte[][] batchKeys = new byte[batch][];
            byte[][] batchValues = new byte[batch][];
            for (int i = 0; i < batch; i++) {
              batchKeys[i] = keys.newKey();
            }
            return i -> {
              if (!batches) {
                db.put(keys.fill(key, order[(int) i]), keys.value(i), false);
                return false;
              }
              int first = (int) i * batch;
              int count = Math.min(batch, n - first);
              for (int j = 0; j < count; j++) {
                keys.fill(batchKeys[j], order[first + j]);
                batchValues[j] = keys.value(first + j);
              }
              db.putBatch(batchKeys, batchValues, count);
              return false;
            };
          });
      db.flushAndWait();
    }
    deleteTree(dir);
  }

  private RunResult finish(
      String workload,
      Path dir,
      BenchDb db,
      List<PhaseResult> phases,
      long userBytes,
      long written,
      long liveBytes,
      boolean deleteAfter)
      throws IOException {
    return finish(workload, dir, db, phases, userBytes, written, liveBytes, deleteAfter, "");
  }

  private RunResult finish(
      String workload,
      Path dir,
      BenchDb db,
      List<PhaseResult> phases,
      long userBytes,
      long written,
      long liveBytes,
      boolean deleteAfter,
      String extraNotes)
      throws IOException {
    String notes = extraNotes + db.notes();
    long heap = ProcessMetrics.liveHeapBytes();
    db.close();
    long disk = ProcessMetrics.directoryBytes(dir);
    long rss = ProcessMetrics.peakRssBytes();
    if (deleteAfter) {
      deleteTree(dir);
    }
    return new RunResult(
        engine.label(),
        workload,
        phases,
        userBytes,
        written,
        liveBytes,
        disk,
        rss,
        heap,
        notes,
        "");
  }

  /** The main data set, loaded and settled first when a read workload runs without fillrandom. */
  private Path ensureMain() throws IOException {
    Path dir = root.resolve("main");
    if (Files.isDirectory(dir)
        && Files.isRegularFile(marker())
        && Files.readString(marker(), StandardCharsets.UTF_8).equals(loadSignature())) {
      return dir;
    }
    RunResult load = fill("fillrandom", "main", true);
    if (!load.ok()) {
      throw new IllegalStateException("loading the data set failed: " + load.error());
    }
    return dir;
  }

  private void markLoaded() throws IOException {
    Files.writeString(marker(), loadSignature(), StandardCharsets.UTF_8);
  }

  private Path marker() {
    return root.resolve("main.loaded");
  }

  private String loadSignature() {
    return config.num()
        + " "
        + config.keySize()
        + " "
        + config.valueSize()
        + " "
        + config.seed()
        + " "
        + config.engine();
  }

  private Path fresh(String name) throws IOException {
    Path dir = root.resolve(name);
    deleteTree(dir);
    if (name.equals("main")) {
      Files.deleteIfExists(marker());
    }
    return dir;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    }
    paths.sort(Comparator.reverseOrder());
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + p, e);
      }
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
