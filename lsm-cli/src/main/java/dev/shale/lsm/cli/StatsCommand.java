package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
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
      "Prints the Db's shape and counters.",
      "Sequence, memtables, files and bytes per level against their targets, amplification,"
          + " cache, compaction, stalls, snapshots. Counters count since this command opened the"
          + " Db, so here they show the work done while opening.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class StatsCommand implements Callable<Integer> {
  private static final String LEVEL_ROW = "%-6s %7s %11s %11s%n";

  @Spec CommandSpec spec;
  @Mixin DbOpenOptions db;

  @Override
  public Integer call() throws IOException {
    DbStats stats;
    try (Db opened = db.openExisting()) {
      stats = opened.stats();
    }
    print(stats, spec.commandLine().getOut());
    return ExitCode.OK;
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
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf(Locale.ROOT, "%-14s %s%n", name, value);
  }
}
