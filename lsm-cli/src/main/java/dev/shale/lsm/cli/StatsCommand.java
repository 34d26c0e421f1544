package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.client.ServerReport;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.server.v1.ServerStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shale stats}: a readable report of {@link Db#stats()}. */
@Command(
    name = "stats",
    description = {
      "Prints the Db's shape and counters, from --db DIR or from a running server (--server).",
      "Sequence, memtables, files and bytes per level against their targets, amplification,"
          + " cache, compaction, stalls, snapshots. Counters count since the Db was opened (with"
          + " --db: by this command, so they show the work done while opening); the lifetime rows"
          + " count over the Db's whole life, across reopens. With --server also the server's"
          + " health, memory for requests in flight, scans, snapshots and threads.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class StatsCommand implements Callable<Integer> {
  private static final String LEVEL_ROW = "%-6s %7s %11s %11s%n";

  @Spec CommandSpec spec;
  @Mixin TargetOptions target;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (target.target.server != null) {
      ServerReport report;
      try (ShaleClient client = target.connect(target.target.server)) {
        report = client.stats();
      }
      print(report.db(), out);
      out.println();
      printServer(report.server(), out);
      return ExitCode.OK;
    }
    DbStats stats;
    try (Store.Local local = target.openLocal()) {
      stats = local.db().stats();
    }
    print(stats, out);
    return ExitCode.OK;
  }

  /** Writes a server's own figures. */
  static void printServer(ServerStats s, PrintWriter out) {
    row(
        out,
        "health",
        "reads "
            + s.getReadHealth()
            + ", writes "
            + s.getWriteHealth()
            + (s.getNotServingReason().isEmpty() ? "" : " (" + s.getNotServingReason() + ")"));
    row(
        out,
        "memory",
        bytes(s.getMemoryInFlightBytes())
            + " held by requests in flight of a "
            + bytes(s.getMemoryBudgetBytes())
            + " budget (peak "
            + bytes(s.getMemoryPeakBytes())
            + "), "
            + count(s.getRejectedCalls())
            + " requests refused");
    row(
        out,
        "calls",
        s.getCallsInFlight()
            + " in flight on "
            + s.getCallThreads()
            + " threads (peak "
            + s.getCallThreadsPeak()
            + "); "
            + s.getOpenScans()
            + " scans open, "
            + s.getHeldSnapshots()
            + " snapshots held; up "
            + count(s.getUptimeMillis() / 1000)
            + " s");
  }

  /** Writes {@code stats} as a report. */
  static void print(DbStats stats, PrintWriter out) {
    DbStats.Memtables m = stats.memtables();
    DbStats.Writes w = stats.writes();
    DbStats.Cache cache = stats.blockCache();
    DbStats.Compactions c = stats.compactions();
    DbStats.Snapshots s = stats.snapshots();
    row(out, "last sequence", count(stats.lastSequence()));
    row(
        out,
        "memtables",
        "active "
            + bytes(m.activeBytes())
            + " ("
            + count(m.activeEntries())
            + " entries), immutable "
            + m.immutableCount()
            + " ("
            + bytes(m.immutableBytes())
            + ")");
    row(out, "flushes", count(m.flushes()) + ", " + bytes(m.flushedBytes()) + " written");
    out.println();
    out.printf(Locale.ROOT, LEVEL_ROW, "level", "files", "bytes", "target");
    for (DbStats.Level level : stats.levels()) {
      out.printf(
          Locale.ROOT,
          LEVEL_ROW,
          "L" + level.level(),
          count(level.files()),
          bytes(level.bytes()),
          level.targetBytes() == 0 ? "-" : bytes(level.targetBytes()));
    }
    out.printf(
        Locale.ROOT,
        LEVEL_ROW,
        "total",
        count(stats.totalFiles()),
        bytes(stats.totalFileBytes()),
        "");
    out.println();
    row(
        out,
        "block cache",
        String.format(Locale.ROOT, "hit ratio %.1f%%", 100 * cache.hitRatio())
            + " ("
            + count(cache.hits())
            + " hits, "
            + count(cache.misses())
            + " misses), "
            + bytes(cache.usedBytes())
            + " of "
            + bytes(cache.capacityBytes())
            + " used, "
            + count(cache.evictions())
            + " evictions");
    row(
        out,
        "amplification",
        String.format(
            Locale.ROOT,
            "write %.2fx, space %.2fx",
            c.writeAmplification(),
            c.spaceAmplification()));
    row(
        out,
        "compaction",
        c.strategy()
            + ": "
            + count(c.completed())
            + " done, "
            + c.running()
            + " running, "
            + bytes(c.bytesRead())
            + " read, "
            + bytes(c.bytesWritten())
            + " written in "
            + count(c.micros() / 1000)
            + " ms, "
            + bytes(c.pendingBytes())
            + " pending");
    row(
        out,
        "writes",
        count(w.batches())
            + " batches, "
            + count(w.operations())
            + " operations, "
            + bytes(w.userBytes())
            + "; "
            + count(w.groupCommits())
            + " group commits, "
            + bytes(w.walBytes())
            + " logged, "
            + count(w.walSyncs())
            + " syncs");
    row(
        out,
        "stalls",
        count(w.slowdowns())
            + " slowdowns, "
            + count(w.stops())
            + " stops, "
            + count(w.stallMicros() / 1000)
            + " ms stalled");
    if (!w.readOnlyReason().isEmpty()) {
      row(out, "read-only", w.readOnlyReason());
    }
    DbStats.Recovery opened = stats.recovery();
    if (opened.damaged()) {
      StringBuilder found = new StringBuilder();
      if (opened.walRecordsDropped() > 0 || !opened.walDamage().isEmpty()) {
        found
            .append("log: ")
            .append(count(opened.walRecordsDropped()))
            .append(" records (")
            .append(bytes(opened.walBytesDropped()))
            .append(") dropped at open: ")
            .append(opened.walDamage());
      }
      if (!opened.manifestDamage().isEmpty()) {
        found
            .append(found.isEmpty() ? "" : "; ")
            .append("manifest: ")
            .append(opened.manifestDamage());
      }
      if (opened.filesSetAside() > 0) {
        found
            .append(found.isEmpty() ? "" : "; ")
            .append(count(opened.filesSetAside()))
            .append(" tables kept in lost/");
      }
      row(out, "damage", found.toString());
    }
    DbStats.BackgroundErrors r = stats.backgroundErrors();
    if (r.state() != DbStats.BackgroundErrors.State.HEALTHY || r.attempts() > 0) {
      row(
          out,
          "recovery",
          r.state()
              + ", "
              + count(r.attempts())
              + " retries, "
              + count(r.recoveries())
              + " recovered; last error: "
              + r.lastError());
    }
    DbStats.Lifetime l = stats.lifetime();
    row(
        out,
        "lifetime",
        "since "
            + java.time.Instant.ofEpochMilli(l.sinceMillis())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ": "
            + count(l.operations())
            + " operations ("
            + bytes(l.userBytes())
            + "), "
            + count(l.flushes())
            + " flushes ("
            + bytes(l.flushedBytes())
            + "), "
            + count(l.compactions())
            + " compactions ("
            + bytes(l.compactionBytesRead())
            + " read, "
            + bytes(l.compactionBytesWritten())
            + " written), "
            + String.format(Locale.ROOT, "write amplification %.2fx", l.writeAmplification()));
    row(
        out,
        "snapshots",
        s.open() == 0
            ? "none open"
            : s.open()
                + " open, oldest at sequence "
                + count(s.oldestSequence())
                + " ("
                + count(s.oldestAgeMillis())
                + " ms old)");
    DbStats.Shipping sh = stats.shipping();
    if (sh.enabled()) {
      row(
          out,
          "shipping",
          "writer epoch "
              + sh.writerEpoch()
              + ", shipped to sequence "
              + count(sh.shippedSequence())
              + " (lag "
              + count(sh.lagSequences())
              + " sequences, "
              + count(sh.lagMillis())
              + " ms); "
              + count(sh.walObjects())
              + " WAL objects ("
              + bytes(sh.walBytes())
              + "), "
              + count(sh.tables())
              + " tables ("
              + bytes(sh.tableBytes())
              + "), "
              + count(sh.manifests())
              + " manifests, "
              + count(sh.deletedObjects())
              + " collected");
      row(
          out,
          "requests",
          count(sh.putRequests())
              + " PUT, "
              + count(sh.getRequests())
              + " GET, "
              + count(sh.otherRequests())
              + " other ("
              + String.format(
                  Locale.ROOT,
                  "%.0f per million writes",
                  sh.requestsPerMillionWrites(w.operations()))
              + "), "
              + count(sh.retries())
              + " retried");
    }
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf(Locale.ROOT, "%-14s %s%n", name, value);
  }
}
