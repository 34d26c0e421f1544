package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.Units;
import dev.shale.lsm.engine.DbInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shale verify}: reads every live table and checks every checksum. */
@Command(
    name = "verify",
    description = {
      "Checks the manifest, every write-ahead log record and every checksum of every live"
          + " SSTable.",
      "Reads the manifest (every record, and that the tables and the log cover every table on"
          + " disk), every record of every log segment, and every byte of every live table, and"
          + " checks that each table holds what the manifest records. Exits 3 naming the file and"
          + " offset of the first damage. A torn last log record (what a crash leaves, which the"
          + " next open drops) is reported, not an error. Changes nothing; may run while other"
          + " read-only commands do, not while the Db is open for writing.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class VerifyCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 30;

  @Spec CommandSpec spec;
  @Mixin DbDirectoryOption db;
  @Mixin ProgressOption progressOption;

  @Override
  public Integer call() throws IOException {
    Path directory = db.existing();
    ShaleTools tools = ShaleTools.onDisk(DbOptions.defaults());
    long total = tools.manifest(directory).totalTableBytes();
    long started = System.nanoTime();
    DbInspector.VerifyResult result;
    try (ProgressLine progress = progressOption.open(spec)) {
      progress.show(bar(0, total));
      result =
          tools.verify(
              directory,
              done -> {
                if (progress.due()) {
                  progress.show(bar(done, total));
                }
              });
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "ok: "
            + count(result.tables(), "table", "tables")
            + ", "
            + bytes(result.bytes())
            + " verified in "
            + Units.duration(System.nanoTime() - started)
            + "; log: "
            + count(result.logSegments(), "segment", "segments")
            + ", "
            + count(result.logRecords(), "record", "records")
            + " intact");
    if (!result.logTornTail().isEmpty()) {
      out.println(
          "note: the log ends in a torn record, what a crash during a write leaves (that write"
              + " was never acknowledged); the next open drops it: "
              + result.logTornTail());
    }
    return ExitCode.OK;
  }

  /** {@code verifying [#########.....] 60% 1.2 MiB of 2.0 MiB}. */
  static String bar(long done, long total) {
    int percent = total <= 0 ? 100 : (int) Math.min(100, 100 * done / total);
    int filled = percent * BAR_WIDTH / 100;
    return "verifying ["
        + "#".repeat(filled)
        + ".".repeat(BAR_WIDTH - filled)
        + "] "
        + String.format(Locale.ROOT, "%3d%%", percent)
        + "  "
        + bytes(done)
        + " of "
        + bytes(total);
  }
}
