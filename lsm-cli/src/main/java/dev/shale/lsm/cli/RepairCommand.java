package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.Units;
import dev.shale.lsm.engine.recovery.DbRepair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shale repair}: rebuilds a Db whose manifest is damaged, keeping every old file. */
@Command(
    name = "repair",
    description = {
      "Rebuilds a Db whose manifest is damaged or lost, from its tables and its log.",
      "Merges every readable table and every intact write-ahead log record (the newest version"
          + " of each key wins) into new tables under a new manifest, as RocksDB's 'ldb repair'"
          + " does. Nothing is deleted: the old manifest, tables and log segments, and any file"
          + " that cannot be read, move to DIR/lost/repair-<time>/. Writes that only a damaged"
          + " file held are lost, and a delete whose tombstone was in one may come undone. Run it"
          + " when an open fails with a CorruptionException that says to. The Db must not be open"
          + " elsewhere.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class RepairCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DbDirectoryOption db;
  @Mixin ProgressOption progressOption;

  @Override
  public Integer call() throws IOException {
    Path directory = db.existing();
    long started = System.nanoTime();
    DbRepair.Report report;
    try (ProgressLine progress = progressOption.open(spec)) {
      progress.show("repairing: reading tables and the log");
      report =
          ShaleTools.onDisk(DbOptions.defaults())
              .repair(
                  directory,
                  entries -> {
                    if (progress.due()) {
                      progress.show("repairing: " + count(entries, "entry", "entries") + " merged");
                    }
                  });
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "repaired "
            + directory
            + " in "
            + Units.duration(System.nanoTime() - started)
            + ": "
            + count(report.tablesRead(), "table", "tables")
            + " and "
            + count(report.logRecords(), "log record", "log records")
            + " merged into "
            + count(report.tablesWritten(), "table", "tables")
            + " ("
            + count(report.entriesWritten(), "entry", "entries")
            + "), last sequence "
            + report.lastSequence());
    if (!report.logDamage().isEmpty()) {
      out.println("the log was read up to damage: " + report.logDamage());
    }
    for (Path file : report.setAside()) {
      out.println("could not read " + file.getFileName() + "; kept aside unused");
    }
    out.println("the old files are in " + report.originals());
    return ExitCode.OK;
  }
}
