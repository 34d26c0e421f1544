package dev.shale.lsm.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The db_bench-style runner: the same workloads on Shale and on RocksJava in one run, alternating
 * engines, each engine and workload in a fresh child JVM started with the same flags, then a table
 * of the figures and their Shale / RocksJava ratios (text, and CSV with {@code --csv}).
 *
 * <pre>
 * java -cp "lsm-bench/target/lsm-bench-0.1.0-SNAPSHOT.jar:$(cat lsm-bench/target/classpath.txt)" \
 *     dev.shale.lsm.bench.DbBench --num 2000000 --csv results.csv
 * </pre>
 */
@Command(
    name = "db-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the same workloads on Shale and RocksJava and prints their ratios.")
public final class DbBench implements Callable<Integer> {

  @Option(
      names = "--engines",
      split = ",",
      description = "Engines, in ratio order (default: ${DEFAULT-VALUE}).")
  List<String> engines = new ArrayList<>(List.of("shale", "rocksjava"));

  @Option(
      names = "--workloads",
      split = ",",
      description = "Workloads to run (default: all): ${DEFAULT-VALUE}.")
  List<String> workloads = new ArrayList<>(Workloads.ALL);

  @Option(names = "--only", description = "'machine': measure the machine's bounds and stop.")
  @Nullable String only;

  @Option(names = "--num", description = "Keys loaded by the fills (default: ${DEFAULT-VALUE}).")
  int num = 2_000_000;

  @Option(names = "--reads", description = "Operations per read workload (default: --num).")
  long reads = -1;

  @Option(
      names = "--sync-num",
      description = "Writes per fillsync run (default: ${DEFAULT-VALUE}).")
  int syncNum = 20_000;

  @Option(
      names = "--duration",
      description =
          "Cap in seconds on each read, overwrite and fillsync phase; 0 = none (default: ${DEFAULT-VALUE}).")
  double duration = 0;

  @Option(
      names = "--warmup",
      description =
          "Seconds of untimed warm-up: each read workload runs its operations first, each unsynced"
              + " write workload writes into a scratch Db first; 0 = cold (default: ${DEFAULT-VALUE}).")
  double warmup = 2;

  @Option(names = "--threads", description = "Reader threads (default: ${DEFAULT-VALUE}).")
  int threads = 1;

  @Option(names = "--key-size", description = "Key bytes (default: ${DEFAULT-VALUE}).")
  int keySize = 16;

  @Option(names = "--value-size", description = "Value bytes (default: ${DEFAULT-VALUE}).")
  int valueSize = 100;

  @Option(
      names = "--batch-size",
      description = "Keys per batch in bulkload (default: ${DEFAULT-VALUE}).")
  int batchSize = 1000;

  @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 301;

  @Option(names = "--memtable-mb", description = "Memtable size, MiB (default: ${DEFAULT-VALUE}).")
  long memtableMb = 64;

  @Option(
      names = "--max-immutable-memtables",
      description = "Frozen memtables before writes stop (default: ${DEFAULT-VALUE}).")
  int maxImmutableMemtables = 2;

  @Option(names = "--cache-mb", description = "Block cache, MiB (default: ${DEFAULT-VALUE}).")
  long cacheMb = 256;

  @Option(
      names = "--bigdata-cache-mb",
      description =
          "Block cache of bulkload's reads, MiB, smaller than its data (default: ${DEFAULT-VALUE}).")
  long bigdataCacheMb = 16;

  @Option(names = "--bloom-bits", description = "Bloom bits per key (default: ${DEFAULT-VALUE}).")
  int bloomBits = 10;

  @Option(names = "--block-size", description = "Data block bytes (default: ${DEFAULT-VALUE}).")
  int blockSize = 4096;

  @Option(
      names = "--compression",
      description = "none or lz4, for both engines (default: ${DEFAULT-VALUE}).")
  String compression = "lz4";

  @Option(
      names = "--compaction-threads",
      description =
          "Compaction threads, plus one flush thread, for both (default: ${DEFAULT-VALUE}).")
  int compactionThreads = 1;

  @Option(
      names = "--memtable",
      description = "Shale memtable provider (default: ${DEFAULT-VALUE}).")
  String memtable = "skiplist";

  @Option(names = "--db", description = "Where the Dbs live (default: ${DEFAULT-VALUE}).")
  Path db = Path.of(System.getProperty("java.io.tmpdir"), "shale-bench");

  @Option(names = "--keep-db", description = "Keep the Dbs after the run.")
  boolean keepDb;

  @Option(names = "--csv", description = "Also write the results as CSV to this file.")
  @Nullable Path csv;

  @Option(
      names = "--fork",
      negatable = true,
      description =
          "Run each engine and workload in a child JVM (default: ${DEFAULT-VALUE}); --no-fork runs in this JVM, so process figures are shared.")
  boolean fork = true;

  @Option(
      names = "--jvm-flags",
      description = "Flags of every child JVM (default: ${DEFAULT-VALUE}).")
  String jvmFlags = "-Xmx2g -XX:+UseG1GC";

  @Option(
      names = "--profile",
      description = "Record a JFR profile (settings=profile) of each child into --profile-dir.")
  boolean profile;

  @Option(
      names = "--profile-dir",
      description = "Where --profile writes .jfr files (default: ${DEFAULT-VALUE}).")
  Path profileDir = Path.of("bench-profiles");

  @Option(names = "--skip-machine", description = "Do not measure the machine's bounds.")
  boolean skipMachine;

  @Option(
      names = "--fsync-samples",
      description = "Appends + fsync measured (default: ${DEFAULT-VALUE}).")
  int fsyncSamples = 2000;

  @Option(
      names = "--seq-write-mb",
      description = "MiB written to measure sequential bandwidth (default: ${DEFAULT-VALUE}).")
  long seqWriteMb = 256;

  @Option(
      names = "--child-timeout",
      description = "Seconds a child JVM may run (default: ${DEFAULT-VALUE}).")
  long childTimeout = 3600;

  @Option(
      names = "--label",
      description = "What to call the Shale build in the header, e.g. a commit.")
  String label = "";

  @Option(names = "--child-engine", hidden = true)
  @Nullable String childEngine;

  @Option(names = "--child-workload", hidden = true)
  @Nullable String childWorkload;

  @Option(names = "--child-result", hidden = true)
  @Nullable Path childResult;

  private String[] args = new String[0];
  private PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);

  /** Runs the command line; exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8)));
  }

  /** Runs the command line, printing to {@code out}; returns the exit status. */
  public static int run(String[] args, PrintWriter out) {
    DbBench bench = new DbBench();
    bench.args = args.clone();
    bench.out = out;
    CommandLine cli = new CommandLine(bench);
    cli.setOut(out);
    cli.setOverwrittenOptionsAllowed(true); // a child gets the parent's arguments plus its own --db
    int status = cli.execute(args);
    out.flush();
    return status;
  }

  @Override
  public Integer call() throws Exception {
    if (childWorkload != null) {
      return child();
    }
    List<EngineKind> kinds = engines.stream().map(EngineKind::parse).toList();
    for (String w : workloads) {
      if (!Workloads.ALL.contains(w)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "unknown workload '" + w + "'; known: " + String.join(",", Workloads.ALL));
      }
    }
    Files.createDirectories(db);
    out.println(header());
    MachineBounds bounds = null;
    if (!skipMachine || "machine".equals(only)) {
      bounds = MachineBounds.measure(db.resolve("probe"), fsyncSamples, seqWriteMb << 20);
      out.println("machine bounds: " + bounds.describe());
    }
    if ("machine".equals(only)) {
      if (!keepDb) {
        Workloads.deleteTree(db);
      }
      return 0;
    }
    out.println();
    List<RunResult> results = new ArrayList<>();
    for (int i = 0; i < workloads.size(); i++) {
      String workload = workloads.get(i);
      List<EngineKind> order = new ArrayList<>(kinds);
      if (i % 2 == 1) {
        java.util.Collections.reverse(order); // alternate who goes first
      }
      for (EngineKind engine : order) {
        long t0 = System.nanoTime();
        RunResult r = fork ? forked(engine, workload) : inProcess(engine, workload);
        results.add(r);
        out.printf(
            Locale.ROOT,
            "%-18s %-10s %s (%.1f s)%n",
            workload,
            engine.label(),
            r.ok() ? summary(r) : "FAILED: " + r.error(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
    Report report = new Report(kinds, workloads, results);
    out.println();
    out.print(report.text());
    if (bounds != null) {
      out.println();
      out.println(groupCommit(report, kinds, bounds));
    }
    if (csv != null) {
      Files.writeString(csv, report.csv(), StandardCharsets.UTF_8);
      out.println("CSV written to " + csv);
    }
    if (!keepDb) {
      Workloads.deleteTree(db);
    }
    return results.stream().allMatch(RunResult::ok) ? 0 : 1;
  }

  private static String summary(RunResult r) {
    StringBuilder s = new StringBuilder();
    for (PhaseResult p : r.phases()) {
      s.append(String.format(Locale.ROOT, "%s %.0f ops/s  ", p.row(), p.opsPerSecond()));
    }
    return s.toString().trim();
  }

  /** The fillsync rows against the bound one fsync per commit sets. */
  private static String groupCommit(Report report, List<EngineKind> kinds, MachineBounds bounds) {
    StringBuilder s = new StringBuilder("group commit (sync writes/s vs fsync bound ");
    s.append(String.format(Locale.ROOT, "%.0f/s per thread):%n", bounds.syncBoundOneThread()));
    for (String row : report.rows()) {
      if (!row.startsWith("fillsync-")) {
        continue;
      }
      int t = Integer.parseInt(row.substring("fillsync-".length()));
      s.append(String.format(Locale.ROOT, "  %-12s target %.0f", row, bounds.groupCommitTarget(t)));
      for (EngineKind e : kinds) {
        Report.Cell c = report.cell(row, e);
        PhaseResult p = c == null ? null : c.phase();
        if (p != null) {
          s.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.0f (%.2fx fsync bound)",
                  e.label(),
                  p.opsPerSecond(),
                  p.opsPerSecond() / bounds.syncBoundOneThread()));
        }
      }
      s.append(System.lineSeparator());
    }
    return s.toString();
  }

  private String header() {
    StringBuilder h = new StringBuilder();
    h.append("lsm-bench db_bench-style run, ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(System.lineSeparator());
    h.append(
        String.format(
            Locale.ROOT,
            "machine: %d cores, %s RAM, %s %s, JDK %s (%s)%n",
            Runtime.getRuntime().availableProcessors(),
            memTotal(),
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            System.getProperty("java.version"),
            System.getProperty("java.vm.name")));
    h.append("shale: ").append(label.isEmpty() ? "(no --label)" : label);
    h.append(", rocksjava: ").append(rocksVersion()).append(System.lineSeparator());
    h.append(
        String.format(
            Locale.ROOT,
            "settings: num=%d reads=%d sync-num=%d duration=%s warmup=%ss threads=%d key=%dB value=%dB"
                + " memtable=%dMiB x(1+%d) cache=%dMiB bigdata-cache=%dMiB bloom=%d block=%dB"
                + " compression=%s compaction-threads=%d shale-memtable=%s%n",
            num,
            effectiveReads(),
            syncNum,
            duration <= 0 ? "none" : duration + "s",
            warmup,
            threads,
            keySize,
            valueSize,
            memtableMb,
            maxImmutableMemtables,
            cacheMb,
            bigdataCacheMb,
            bloomBits,
            blockSize,
            compression,
            compactionThreads,
            memtable));
    h.append(
        "durability: fill*/overwrite/read* write unsynced (Shale MEMORY, RocksDB sync=false: a"
            + " process crash loses nothing, a power loss may); fillsync-N fsyncs every write"
            + " (Shale LOCAL, RocksDB sync=true)");
    h.append(System.lineSeparator());
    h.append("child JVM flags: ").append(fork ? childFlags("<engine>-<workload>") : "(in process)");
    return h.toString();
  }

  private static String rocksVersion() {
    try {
      return RocksJavaBenchDb.version();
    } catch (RuntimeException | LinkageError e) {
      return "unavailable (" + e + ")";
    }
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1048576.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "? GiB";
  }

  private long effectiveReads() {
    return reads < 0 ? num : reads;
  }

  BenchConfig config() {
    return new BenchConfig(
        num,
        effectiveReads(),
        syncNum,
        duration,
        warmup,
        threads,
        keySize,
        valueSize,
        batchSize,
        bigdataCacheMb << 20,
        seed,
        new EngineSettings(
            memtableMb << 20,
            maxImmutableMemtables,
            cacheMb << 20,
            bloomBits,
            blockSize,
            compression,
            compactionThreads,
            memtable));
  }

  private RunResult inProcess(EngineKind engine, String workload) {
    return new Workloads(config(), engine, db).run(workload);
  }

  private int child() throws IOException {
    String engineName = childEngine;
    String workload = childWorkload;
    Path resultFile = childResult;
    if (engineName == null || workload == null || resultFile == null) {
      throw new IllegalArgumentException("--child-* options go together");
    }
    RunResult r = new Workloads(config(), EngineKind.parse(engineName), db).run(workload);
    r.write(resultFile);
    return r.ok() ? 0 : 1;
  }

  private List<String> childFlags(String name) {
    List<String> flags = new ArrayList<>(Arrays.asList(jvmFlags.trim().split("\\s+")));
    flags.removeIf(String::isEmpty);
    // RocksJava loads its JNI library; say so rather than print a warning in one engine's JVM only.
    flags.add("--enable-native-access=ALL-UNNAMED");
    if (profile) {
      flags.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + profileDir.toAbsolutePath().resolve(name + ".jfr"));
    }
    return flags;
  }

  private RunResult forked(EngineKind engine, String workload) throws IOException {
    Path logs = db.resolve("logs");
    Files.createDirectories(logs);
    if (profile) {
      Files.createDirectories(profileDir);
    }
    String name = engine.label() + "-" + workload;
    Path result = logs.resolve(name + ".result");
    Path log = logs.resolve(name + ".log");
    Files.deleteIfExists(result);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(childFlags(name));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DbBench.class.getName());
    command.addAll(Arrays.asList(args));
    command.addAll(
        List.of(
            "--child-engine", engine.label(),
            "--child-workload", workload,
            "--child-result", result.toString(),
            "--db", db.toString()));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(childTimeout, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return RunResult.failed(engine.label(), workload, "timed out after " + childTimeout + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return RunResult.failed(engine.label(), workload, "interrupted");
    }
    if (Files.isRegularFile(result)) {
      return RunResult.read(result);
    }
    return RunResult.failed(
        engine.label(),
        workload,
        "child JVM exited with "
            + process.exitValue()
            + " and no result; log "
            + log
            + ": "
            + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  /** This JVM's pid, for messages. */
  static long pid() {
    return ManagementFactory.getRuntimeMXBean().getPid();
  }
}
